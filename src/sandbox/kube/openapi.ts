import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceDef, servedGroups } from './resources.js';

/**
 * The OpenAPI v3 discovery kubectl reads before `create -f`/`apply` to learn whether the server does
 * field validation itself (the `fieldValidation` query parameter on PATCH). The documents carry the
 * paths and operations of the served resources, without schemas.
 */
function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string' },
}));

function operations(def: ResourceDef) {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const op = (action: string) => ({
    tags: [def.group ? `${def.group.split('.')[0]}_${def.version}` : `core_${def.version}`],
    operationId: `${action}${def.kind}`,
    parameters: PARAMS,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const base = `/${gvPath(def.group, def.version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}`;
  const item: Record<string, unknown> = {};
  if (def.verbs.includes('get')) item.get = op('get');
  if (def.verbs.includes('update')) item.put = op('put');
  if (def.verbs.includes('patch')) item.patch = op('patch');
  if (def.verbs.includes('delete')) item.delete = op('delete');
  const collection: Record<string, unknown> = {};
  if (def.verbs.includes('list')) collection.get = op('list');
  if (def.verbs.includes('create')) collection.post = op('post');
  return { [base]: collection, [`${base}/{name}`]: item };
}

function document(group: string, version: string) {
  const paths = Object.assign(
    {},
    ...RESOURCES.filter((r) => r.group === group && r.version === version).map(operations),
  );
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.5' },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(group: string, version: string): string {
  return createHash('sha512')
    .update(JSON.stringify(document(group, version)))
    .digest('hex')
    .toUpperCase();
}

/** `/openapi/v3` (the index) or `/openapi/v3/<gv path>`; undefined for anything else. */
export function openApiV3(pathname: string): unknown {
  const entries = [...servedGroups().entries()].flatMap(([group, versions]) =>
    versions.map((version) => ({ group, version, path: gvPath(group, version) })),
  );
  if (pathname === '/openapi/v3' || pathname === '/openapi/v3/')
    return {
      paths: Object.fromEntries(
        entries.map((e) => [
          e.path,
          { serverRelativeURL: `/openapi/v3/${e.path}?hash=${hashOf(e.group, e.version)}` },
        ]),
      ),
    };
  const hit = entries.find((e) => pathname === `/openapi/v3/${e.path}`);
  return hit ? document(hit.group, hit.version) : undefined;
}
