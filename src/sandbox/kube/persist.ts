import { managerName } from './managed-fields.js';
import { wakesControllers } from './object-strategy.js';
import { decodeProtobuf, PROTOBUF } from './protobuf-body.js';
import type { RequestContext } from './request-context.js';
import { apiVersionOf, resourceKey } from './resources.js';
import { badRequest, KubeError, notFound, unsupportedMediaType } from './status-errors.js';
import type { KubeObject } from './types.js';

export function isDryRun(ctx: RequestContext): boolean {
  return ctx.query.getAll('dryRun').includes('All');
}

/** The field manager of a write: `?fieldManager=`, else derived from the user agent. */
export function writer(ctx: RequestContext, subresource?: string) {
  return {
    manager: managerName(ctx.req, ctx.query.get('fieldManager')),
    apiVersion: apiVersionOf(ctx.route.def),
    ...(subresource ? { subresource } : {}),
  };
}

/** Body → object, or 400 as the API server's decoder words it. */
export function decodeObject(ctx: RequestContext, body: Buffer): KubeObject {
  const { kind, version } = ctx.route.def;
  const type = (ctx.req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim();
  if (type !== 'application/json' && type !== '*/*' && type !== PROTOBUF)
    throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF]);
  let doc: unknown;
  try {
    doc = type === PROTOBUF ? decodeProtobuf(body, kind) : JSON.parse(body.toString('utf8'));
  } catch (err) {
    if (err instanceof KubeError) throw err;
    throw badRequest(
      `${kind} in version "${version}" cannot be handled as a ${kind}: ${(err as Error).message}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: expected an object`);
  const obj = doc as KubeObject;
  if (obj.kind !== undefined && obj.kind !== kind)
    throw badRequest(
      `${kind} in version "${version}" cannot be handled as a ${kind}: unexpected kind ${obj.kind}`,
    );
  obj.metadata ??= { name: '' };
  return obj;
}

/** Identity from the URL, type from the resource; a namespace in the body must match the URL's. */
export function placeObject(ctx: RequestContext, obj: KubeObject, name: string): void {
  const { def, namespace } = ctx.route;
  if (namespace && obj.metadata.namespace && obj.metadata.namespace !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  obj.metadata = { ...obj.metadata, name };
  if (namespace) obj.metadata.namespace = namespace;
  else delete obj.metadata.namespace;
}

/** A create in a namespace that does not exist is refused (NamespaceLifecycle admission). */
export function requireNamespace(ctx: RequestContext): void {
  const ns = ctx.route.namespace;
  if (ns && !ctx.sim.store.get('namespaces', undefined, ns))
    throw notFound({ group: '', plural: 'namespaces' }, ns);
}

/** Stores a create or update whose managed fields are already tracked, then wakes the controllers. */
export function persist(ctx: RequestContext, current: KubeObject | undefined, next: KubeObject): KubeObject {
  const resource = resourceKey(ctx.route.def);
  if (isDryRun(ctx)) return next;
  const saved = current ? ctx.sim.store.update(resource, next) : ctx.sim.store.create(resource, next);
  if (wakesControllers(resource)) ctx.sim.kick();
  return saved;
}
