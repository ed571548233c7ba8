import { readBody } from '../shared/http.js';
import { applyPatch, decodeApply, type PatchType, patchTypeOf } from './apply-patch.js';
import { checkFields, warningHeaders } from './field-validation.js';
import { trackUpdate } from './managed-fields.js';
import { prepareObject, validateObject } from './object-strategy.js';
import { decodeObject, persist, placeObject, requireNamespace, writer } from './persist.js';
import type { RequestContext } from './request-context.js';
import { apiVersionOf, resourceKey } from './resources.js';
import { sendObject } from './respond.js';
import { type Scale, toScale } from './scale.js';
import { serverSideApply } from './server-side-apply.js';
import { badRequest, conflict, invalid, methodNotAllowed, notFound } from './status-errors.js';
import { clone, type Deployment, type KubeObject } from './types.js';
import { decodeError, isReplicaCount, replicasCauses } from './validate.js';

const DEPLOYMENTS = 'deployments.apps';

function checkPreconditions(
  ctx: RequestContext,
  current: KubeObject,
  doc: { metadata?: { name?: string; resourceVersion?: string } },
  name: string,
): void {
  const meta = doc.metadata ?? {};
  if (meta.name !== undefined && meta.name !== name)
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion)
    throw conflict(ctx.route.def, name);
}

/** PUT or a JSON/merge/strategic PATCH: the result replaces the object; the writer owns what it changed. */
async function updateObject(
  ctx: RequestContext,
  current: KubeObject,
  name: string,
  type?: PatchType,
): Promise<{ object: KubeObject; warnings: string[] }> {
  const resource = resourceKey(ctx.route.def);
  const body = await readBody(ctx.req);
  const next = type
    ? (applyPatch(current, type, body, ctx.query.get('fieldManager')).result as KubeObject)
    : decodeObject(ctx, body);
  if (typeof next !== 'object' || next === null || Array.isArray(next))
    throw badRequest(
      `${ctx.route.def.kind} in version "${ctx.route.def.version}" cannot be handled as a ${ctx.route.def.kind}`,
    );
  next.metadata ??= { name };
  const warnings = checkFields(ctx, next);
  prepareObject(ctx.sim, resource, next, current);
  validateObject(resource, next, name, current);
  checkPreconditions(ctx, current, next, name);
  placeObject(ctx, next, name);
  trackUpdate(current, next, writer(ctx), ctx.sim.now());
  return { object: persist(ctx, current, next), warnings };
}

/** Server-side apply (create when missing): 201 for a create, 200 for an update. */
async function applyObject(ctx: RequestContext, current: KubeObject | undefined, name: string) {
  const { def } = ctx.route;
  const resource = resourceKey(def);
  const applied = decodeApply(await readBody(ctx.req), ctx.query.get('fieldManager'));
  const meta = (applied.metadata ?? {}) as { name?: string };
  if (applied.kind !== undefined && applied.kind !== def.kind)
    throw badRequest(
      `the kind of the object (${String(applied.kind)}) does not match the kind on the URL (${def.kind})`,
    );
  if (meta.name !== undefined && meta.name !== name)
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  if (!current) requireNamespace(ctx);
  const skeleton: KubeObject = {
    apiVersion: apiVersionOf(def),
    kind: def.kind,
    metadata: { name, ...(ctx.route.namespace ? { namespace: ctx.route.namespace } : {}) },
  };
  const merged = serverSideApply({
    current: current ?? skeleton,
    exists: current !== undefined,
    applied,
    manager: ctx.query.get('fieldManager') ?? '',
    apiVersion: apiVersionOf(def),
    force: ctx.query.get('force') === 'true',
    time: ctx.sim.now(),
    defaults: (o) => prepareObject(ctx.sim, resource, o, current),
  });
  validateObject(resource, merged, name, current);
  placeObject(ctx, merged, name);
  return { status: current ? 200 : 201, object: persist(ctx, current, merged) };
}

function validScale(doc: unknown, name: string): Scale {
  const s = doc as Scale;
  const replicas = s?.spec?.replicas ?? 0;
  if (!isReplicaCount(replicas)) throw decodeError(doc, 'ScaleSpec.spec.replicas', 'int32', replicas);
  const causes = replicasCauses(replicas);
  if (causes.length) throw invalid('Scale', 'autoscaling', name, causes);
  return s;
}

/** deployments/{name}/scale: only spec.replicas changes; the writer owns it under subresource "scale". */
async function writeScale(ctx: RequestContext, current: Deployment, name: string, type?: PatchType) {
  const body = await readBody(ctx.req);
  const before = toScale(current);
  let doc: unknown;
  if (type) {
    doc = applyPatch(before, type, body, ctx.query.get('fieldManager')).result;
  } else {
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`Scale in version "v1" cannot be handled as a Scale: ${(err as Error).message}`);
    }
  }
  const scale = validScale(doc, name);
  checkPreconditions(ctx, current, scale, name);
  const next = clone(current);
  next.spec.replicas = scale.spec.replicas ?? 0;
  trackUpdate(current, next, { ...writer(ctx, 'scale'), apiVersion: 'apps/v1' }, ctx.sim.now());
  return toScale(persist(ctx, current, next) as Deployment);
}

/** PATCH and PUT: every writable resource, and deployments/{name}/scale. */
export async function handleWrite(ctx: RequestContext): Promise<void> {
  const { route, sim } = ctx;
  const name = route.name;
  const verb = ctx.req.method === 'PATCH' ? 'patch' : 'update';
  const resource = resourceKey(route.def);
  const scale = route.subresource === 'scale' && resource === DEPLOYMENTS;
  if (name === undefined || (route.subresource !== undefined && !scale) || !route.def.verbs.includes(verb))
    throw methodNotAllowed(route.def);
  // The API server checks the patch content type before it looks the object up.
  const type = verb === 'patch' ? patchTypeOf(route.def, ctx.req.headers['content-type']) : undefined;
  const current = sim.store.get<KubeObject>(resource, route.namespace, name);
  if (type === 'apply' && !scale) {
    const { status, object } = await applyObject(ctx, current, name);
    sendObject(ctx.res, status, object);
    return;
  }
  if (!current) throw notFound(route.def, name);
  if (scale) {
    sendObject(ctx.res, 200, await writeScale(ctx, current as Deployment, name, type));
    return;
  }
  const { object, warnings } = await updateObject(ctx, current, name, type);
  sendObject(ctx.res, 200, object, 'application/json', warningHeaders(warnings));
}
