import { readBody } from '../shared/http.js';
import { applyPatch, type PatchType, patchTypeOf } from './apply-patch.js';
import { fieldsOf, managerName, recordManager } from './managed-fields.js';
import type { RequestContext } from './request-context.js';
import { resourceKey } from './resources.js';
import { sendObject } from './respond.js';
import { type Scale, toScale } from './scale.js';
import { badRequest, conflict, invalid, methodNotAllowed, notFound } from './status-errors.js';
import { clone, type Deployment } from './types.js';
import { decodeError, isReplicaCount, replicasCauses, validateDeployment } from './validate.js';

const DEPLOYMENTS = 'deployments.apps';

function isDryRun(ctx: RequestContext): boolean {
  return ctx.query.getAll('dryRun').includes('All');
}

function checkPreconditions(
  ctx: RequestContext,
  current: Deployment,
  doc: { metadata?: { name?: string; resourceVersion?: string } },
  name: string,
): void {
  const meta = doc.metadata ?? {};
  if (meta.name !== undefined && meta.name !== name)
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion)
    throw conflict(ctx.route.def, name);
}

/** Persists a new Deployment spec (status and identity stay server-owned) and wakes the controllers. */
function commit(
  ctx: RequestContext,
  current: Deployment,
  next: Deployment,
  fields: Record<string, unknown>,
  subresource?: string,
): Deployment {
  next.status = current.status;
  next.metadata = { ...next.metadata, name: current.metadata.name, namespace: current.metadata.namespace };
  recordManager(
    next,
    managerName(ctx.req, ctx.query.get('fieldManager')),
    subresource === 'scale' ? 'autoscaling/v1' : 'apps/v1',
    ctx.sim.now(),
    fields,
    subresource,
  );
  if (isDryRun(ctx)) return next;
  const saved = ctx.sim.store.update(DEPLOYMENTS, next);
  ctx.sim.kick();
  return saved;
}

async function writeDeployment(
  ctx: RequestContext,
  current: Deployment,
  name: string,
  type?: PatchType,
): Promise<Deployment> {
  const body = await readBody(ctx.req);
  if (type) {
    const { result, patch } = applyPatch(current, type, body, ctx.query.get('fieldManager'));
    const next = validateDeployment(result, name, current.spec.selector);
    checkPreconditions(ctx, current, next, name);
    return commit(ctx, current, next, type === 'json' ? { 'f:spec': {} } : fieldsOf(patch));
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(
      `Deployment in version "v1" cannot be handled as a Deployment: ${(err as Error).message}`,
    );
  }
  const next = validateDeployment(doc, name, current.spec.selector);
  checkPreconditions(ctx, current, next, name);
  return commit(ctx, current, next, fieldsOf(doc));
}

function validScale(doc: unknown, name: string): Scale {
  const s = doc as Scale;
  const replicas = s?.spec?.replicas ?? 0;
  if (!isReplicaCount(replicas)) throw decodeError(doc, 'ScaleSpec.spec.replicas', 'int32', replicas);
  const causes = replicasCauses(replicas);
  if (causes.length) throw invalid('Scale', 'autoscaling', name, causes);
  return s;
}

async function writeScale(
  ctx: RequestContext,
  current: Deployment,
  name: string,
  type?: PatchType,
): Promise<Scale> {
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
  const saved = commit(ctx, current, next, { 'f:spec': { 'f:replicas': {} } }, 'scale');
  return toScale(saved);
}

/** PATCH and PUT on deployments and deployments/{name}/scale. */
export async function handleWrite(ctx: RequestContext): Promise<void> {
  const { route, sim } = ctx;
  const name = route.name;
  const verb = ctx.req.method === 'PATCH' ? 'patch' : 'update';
  if (
    name === undefined ||
    resourceKey(route.def) !== DEPLOYMENTS ||
    (route.subresource !== undefined && route.subresource !== 'scale') ||
    !route.def.verbs.includes(verb)
  )
    throw methodNotAllowed(route.def);
  // The API server checks the patch content type before it looks the object up.
  const type = verb === 'patch' ? patchTypeOf(route.def, ctx.req.headers['content-type']) : undefined;
  const current = sim.store.get<Deployment>(DEPLOYMENTS, route.namespace, name);
  if (!current) throw notFound(route.def, name);
  const out =
    route.subresource === 'scale'
      ? await writeScale(ctx, current, name, type)
      : await writeDeployment(ctx, current, name, type);
  sendObject(ctx.res, 200, out);
}
