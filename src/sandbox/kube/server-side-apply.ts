import {
  compare,
  decodePath,
  type FieldSet,
  isAtomicObject,
  isObject,
  keyElement,
  listKind,
  pathString,
  toFieldSet,
  under,
  withoutPaths,
} from './field-set.js';
import { decodeManaged, encodeManaged, type OwnedSet, sameManager } from './managed-fields.js';
import { applyConflict } from './status-errors.js';
import { clone, type KubeObject, type ManagedFieldsEntry } from './types.js';

type Obj = Record<string, unknown>;

/** Merges an applied configuration into the live object: maps merge, list-maps merge by key, the rest replaces. */
function mergeValue(current: unknown, applied: unknown, field: string): unknown {
  if (Array.isArray(applied)) {
    const lk = listKind(field, applied);
    if (lk.kind === 'map' && Array.isArray(current)) {
      const out = clone(current);
      for (const item of applied) {
        if (!isObject(item)) continue;
        const key = keyElement(item, lk.keys);
        const idx = out.findIndex((c) => isObject(c) && keyElement(c, lk.keys) === key);
        if (idx >= 0) out[idx] = mergeValue(out[idx], item, '');
        else out.push(clone(item));
      }
      return out;
    }
    if (lk.kind === 'set' && Array.isArray(current)) {
      const seen = new Set(current.map((v) => JSON.stringify(v)));
      return [...clone(current), ...applied.filter((v) => !seen.has(JSON.stringify(v)))];
    }
    return clone(applied);
  }
  if (isObject(applied) && isObject(current) && !isAtomicObject(field, applied)) {
    const out = clone(current);
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeValue(out[k], v, k);
    }
    return out;
  }
  return clone(applied);
}

/** Removes the node at `path` (a field, a list-map item or a set member) when it exists. */
function deletePath(root: Obj, path: string[]): void {
  let parent: unknown = root;
  for (const [i, el] of path.entries()) {
    const last = i === path.length - 1;
    if (el.startsWith('f:')) {
      if (!isObject(parent)) return;
      if (last) delete parent[el.slice(2)];
      else parent = parent[el.slice(2)];
      continue;
    }
    if (!Array.isArray(parent)) return;
    const list = parent;
    const idx = el.startsWith('v:')
      ? list.findIndex((v) => JSON.stringify(v) === el.slice(2))
      : list.findIndex(
          (item) => isObject(item) && keyElement(item, Object.keys(JSON.parse(el.slice(2)))) === el,
        );
    if (idx < 0) return;
    if (last) list.splice(idx, 1);
    else parent = list[idx];
  }
}

function describeManager(e: ManagedFieldsEntry): string {
  const sub = e.subresource ? ` with subresource ${JSON.stringify(e.subresource)}` : '';
  const using = e.operation === 'Update' ? ` using ${e.apiVersion}` : '';
  return `${JSON.stringify(e.manager)}${sub}${using}`;
}

interface Conflict {
  manager: string;
  path: string;
}

/** The API server's conflict message (managedfields/internal/conflict.go). */
function conflictError(conflicts: Conflict[]) {
  const causes = conflicts.map((c) => ({ message: `conflict with ${c.manager}`, field: pathString(c.path) }));
  const first = conflicts[0];
  if (conflicts.length === 1 && first)
    return applyConflict(
      `Apply failed with 1 conflict: conflict with ${first.manager}: ${pathString(first.path)}`,
      causes,
    );
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines = [...byManager.keys()]
    .sort()
    .flatMap((m) => [`conflicts with ${m}:`, ...(byManager.get(m) ?? []).map((p) => `- ${pathString(p)}`)]);
  return applyConflict(`Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes);
}

export interface ApplyRequest {
  /** The live object, or a skeleton (apiVersion, kind, metadata.name/namespace) when creating. */
  current: KubeObject;
  exists: boolean;
  applied: Obj;
  manager: string;
  apiVersion: string;
  force: boolean;
  time: string;
  /** Defaulting of the merged object, before ownership is compared (as the server does). */
  defaults: (obj: KubeObject) => void;
}

/**
 * Server-side apply: the applier owns exactly the fields of its configuration; fields it applied before
 * and left out now are removed unless someone else owns them; changing a field another manager owns is
 * a 409 conflict unless `force` moves the ownership.
 */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const me = { manager: req.manager, operation: 'Apply' as const };
  const applied = toFieldSet(req.applied);
  const merged = mergeValue(req.current, req.applied, '') as KubeObject;
  const owned = decodeManaged(req.exists ? req.current : undefined);
  const mine = owned.find((o) => sameManager(o.entry, me));
  const others = owned.filter((o) => o !== mine);
  const ownedByOthers = (p: string) => others.some((o) => [...o.set].some((q) => under(q, p)));
  for (const p of mine?.set ?? [])
    if (!applied.has(p) && !ownedByOthers(p)) deletePath(merged as unknown as Obj, decodePath(p));
  req.defaults(merged);
  const c = compare(req.exists ? req.current : undefined, merged);
  const conflicts: (Conflict & { owner: OwnedSet })[] = [];
  for (const o of others)
    for (const p of c.modifiedLeaves)
      if (applied.has(p) && o.set.has(p))
        conflicts.push({ manager: describeManager(o.entry), path: p, owner: o });
  if (conflicts.length && !req.force) throw conflictError(conflicts);
  const next: OwnedSet[] = others.map((o) => {
    const lost: FieldSet = new Set(conflicts.filter((x) => x.owner === o).map((x) => x.path));
    return { entry: o.entry, set: withoutPaths(withoutPaths(o.set, lost), c.removed, true) };
  });
  next.push({
    entry: {
      manager: req.manager,
      operation: 'Apply',
      apiVersion: req.apiVersion,
      time: req.time,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    },
    set: applied,
  });
  encodeManaged(merged, next);
  return merged;
}
