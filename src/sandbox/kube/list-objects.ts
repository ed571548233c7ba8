import { fieldsOf, supportedFields } from './object-fields.js';
import type { ObjectStore } from './object-store.js';
import { apiVersionOf, type ResourceDef, resourceKey } from './resources.js';
import {
  type FieldRequirement,
  type LabelRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';
import { badRequest, expired } from './status-errors.js';
import { clone, type KubeObject } from './types.js';

export interface Filter {
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

export function parseFilter(def: ResourceDef, namespace: string | undefined, q: URLSearchParams): Filter {
  return {
    ...(namespace ? { namespace } : {}),
    labels: parseLabelSelector(q.get('labelSelector')),
    fields: parseFieldSelector(q.get('fieldSelector'), supportedFields(resourceKey(def))),
  };
}

export function matches(def: ResourceDef, f: Filter, obj: KubeObject): boolean {
  if (f.namespace && obj.metadata.namespace !== f.namespace) return false;
  return (
    matchesLabels(f.labels, obj.metadata.labels) && matchesFields(f.fields, fieldsOf(resourceKey(def), obj))
  );
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Same shape as the API server's token: base64url JSON with the list's resourceVersion and next key. */
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v !== 'meta.k8s.io/v1')
      throw new Error(
        `continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`,
      );
    if (typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || parsed.start.length === 0)
      throw new Error(
        'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
      );
    return parsed as ContinueToken;
  } catch (err) {
    const msg =
      err instanceof SyntaxError
        ? 'continue key is not valid: illegal base64 data at input byte 0'
        : (err as Error).message;
    throw badRequest(`invalid continue token: ${msg}`);
  }
}

export interface ListResult {
  items: KubeObject[];
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

/** A filtered, key-ordered list with limit/continue paging; expired tokens answer 410 with a fresh token. */
export function listObjects(
  store: ObjectStore,
  def: ResourceDef,
  filter: Filter,
  q: URLSearchParams,
): ListResult {
  const limit = Number(q.get('limit') ?? 0);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: ${q.get('limit')}`);
  const token = q.get('continue');
  let start = '';
  let rv = store.resourceVersion;
  if (token) {
    const t = decodeContinue(token);
    start = t.start;
    if (t.rv !== -1 && store.isCompacted(t.rv)) throw expired(TOO_OLD, encodeContinue(-1, t.start));
    if (t.rv !== -1) rv = t.rv;
  }
  // One pass in key order that stops after the page (and one more match, to know there is more).
  const resource = resourceKey(def);
  const page: { key: string; obj: KubeObject }[] = [];
  let more = false;
  store.scan(resource, filter.namespace, start, (e) => {
    if (!matches(def, filter, e.selectable)) return true;
    if (limit > 0 && page.length === limit) {
      more = true;
      return false;
    }
    // Stored objects are copied (the response must not alias the store); generated ones are new.
    page.push({ key: e.key, obj: e.generated ? e.object() : clone(e.object()) });
    return true;
  });
  const last = page[page.length - 1];
  const next = last ? `${last.key}\u0000` : start;
  const noSelectors = filter.labels.length === 0 && filter.fields.length === 0;
  return {
    items: page.map((e) => e.obj),
    metadata: {
      resourceVersion: String(rv),
      ...(more && last ? { continue: encodeContinue(rv, next) } : {}),
      ...(more && noSelectors
        ? { remainingItemCount: store.countFrom(resource, filter.namespace, next) }
        : {}),
    },
  };
}

/** The `<Kind>List` envelope; built-in types' items carry no kind/apiVersion, exactly as the API server sends them. */
export function listEnvelope(def: ResourceDef, result: ListResult) {
  return {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata: result.metadata,
    items: def.crd ? result.items : result.items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
  };
}
