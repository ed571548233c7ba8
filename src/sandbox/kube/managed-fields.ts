import type { IncomingMessage } from 'node:http';
import { compare, type FieldSet, fromFieldsV1, toFieldsV1, withoutPaths } from './field-set.js';
import type { KubeObject, ManagedFieldsEntry } from './types.js';

/** `kubectl/v1.32.4 (linux/amd64) …` → `kubectl`, as the API server derives a manager from the user agent. */
export function managerName(req: IncomingMessage, fieldManager: string | null): string {
  if (fieldManager) return fieldManager;
  const ua = req.headers['user-agent'] ?? '';
  return (ua.split('/')[0]?.trim() || 'unknown').slice(0, 128);
}

export interface ManagerId {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  subresource?: string;
}

export interface OwnedSet {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

export function sameManager(e: ManagedFieldsEntry, id: Omit<ManagerId, 'apiVersion'>): boolean {
  return e.manager === id.manager && e.operation === id.operation && e.subresource === id.subresource;
}

export function decodeManaged(obj: KubeObject | undefined): OwnedSet[] {
  return (obj?.metadata.managedFields ?? []).map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

/** Writes the entries back in the API server's order (Apply before Update, then by time and name). */
export function encodeManaged(obj: KubeObject, owned: OwnedSet[]): void {
  const entries = owned
    .filter((o) => o.set.size > 0)
    .map((o) => ({ ...o.entry, fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(o.set) }))
    .sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        a.time.localeCompare(b.time) ||
        a.manager.localeCompare(b.manager) ||
        a.apiVersion.localeCompare(b.apiVersion) ||
        (a.subresource ?? '').localeCompare(b.subresource ?? ''),
    );
  if (entries.length) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function entryFor(id: ManagerId, time: string): ManagedFieldsEntry {
  return {
    manager: id.manager,
    operation: id.operation,
    apiVersion: id.apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(id.subresource ? { subresource: id.subresource } : {}),
  };
}

/** Gives `id` the fields in `take` (merged into its entry) and takes them away from every other manager. */
export function transfer(
  owned: OwnedSet[],
  id: ManagerId,
  time: string,
  take: FieldSet,
  removed: FieldSet = new Set(),
): OwnedSet[] {
  if (take.size === 0 && removed.size === 0) return owned;
  const out = owned.map((o) =>
    sameManager(o.entry, id)
      ? o
      : { entry: o.entry, set: withoutPaths(withoutPaths(o.set, take), removed, true) },
  );
  const mine = out.find((o) => sameManager(o.entry, id));
  const base = mine ? withoutPaths(mine.set, removed, true) : new Set<string>();
  const set = new Set([...base, ...take]);
  if (take.size === 0 && !mine) return out;
  const entry = { ...(mine?.entry ?? entryFor(id, time)), apiVersion: id.apiVersion, time };
  return [...out.filter((o) => o !== mine), { entry, set }];
}

/**
 * An Update (create, PUT, non-apply PATCH) by `id`: it comes to own what it changed, every other
 * manager loses those fields, and fields that disappeared are owned by nobody.
 */
export function trackUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  id: Omit<ManagerId, 'operation'>,
  time: string,
): void {
  const c = compare(before, after);
  const owned = transfer(decodeManaged(before), { ...id, operation: 'Update' }, time, c.changed, c.removed);
  encodeManaged(after, owned);
}

/** Records an out-of-band Update with explicit FieldsV1 (controllers and control-API writes). */
export function recordManager(
  obj: KubeObject,
  manager: string,
  apiVersion: string,
  time: string,
  fields: Record<string, unknown>,
  subresource?: string,
): void {
  const id: ManagerId = { manager, operation: 'Update', apiVersion, ...(subresource ? { subresource } : {}) };
  encodeManaged(obj, transfer(decodeManaged(obj), id, time, fromFieldsV1(fields)));
}
