import { readBody } from '../shared/http.js';
import { accessReview } from './access-review.js';
import { checkFields, warningHeaders } from './field-validation.js';
import { trackUpdate } from './managed-fields.js';
import { prepareObject, validateObject } from './object-strategy.js';
import { decodeObject, persist, placeObject, requireNamespace, writer } from './persist.js';
import { createEviction } from './pod-eviction.js';
import type { RequestContext } from './request-context.js';
import { resourceKey } from './resources.js';
import { sendObject } from './respond.js';
import { alreadyExists, invalid, methodNotAllowed } from './status-errors.js';

/** Metadata only the server sets: whatever a client sends there is dropped on create. */
const SERVER_META = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'deletionTimestamp',
];

/** POST on a collection (create), pods/{name}/eviction, or a SelfSubjectAccessReview. */
export async function handleCreate(ctx: RequestContext): Promise<void> {
  const { route, sim } = ctx;
  const resource = resourceKey(route.def);
  if (route.subresource === 'eviction' && resource === 'pods' && route.name !== undefined)
    return createEviction(ctx, route.name);
  if (resource === 'selfsubjectaccessreviews.authorization.k8s.io' && route.name === undefined)
    return accessReview(ctx);
  if (route.name !== undefined || !route.def.verbs.includes('create')) throw methodNotAllowed(route.def);
  const obj = decodeObject(ctx, await readBody(ctx.req));
  const warnings = checkFields(ctx, obj);
  requireNamespace(ctx);
  for (const f of SERVER_META) delete obj.metadata[f];
  let name = obj.metadata.name;
  if (!name && obj.metadata.generateName) name = `${obj.metadata.generateName}${sim.rng.suffix(5)}`;
  if (!name)
    throw invalid(route.def.kind, route.def.group, '', [
      {
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
        reason: 'FieldValueRequired',
      },
    ]);
  placeObject(ctx, obj, name);
  if (sim.store.get(resource, route.namespace, name)) throw alreadyExists(route.def, name);
  prepareObject(sim, resource, obj);
  validateObject(resource, obj, name);
  trackUpdate(undefined, obj, writer(ctx), sim.now());
  sendObject(ctx.res, 201, persist(ctx, undefined, obj), 'application/json', warningHeaders(warnings));
}
