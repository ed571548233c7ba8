import { fieldsOf, type StoredRecord, toApiRecord } from '../state/dns-record.js';
import { idShape } from '../state/ids.js';
import { putRecord, type RecordSet } from '../state/put-record.js';
import type { Zone, ZoneStore } from '../state/zone-store.js';
import { cfErrors } from './cf-api-error.js';
import type { Success } from './envelope.js';
import { fullFields, mergedFields, parseRecordInput } from './parse-record-input.js';

/** A record id of the wrong shape cannot be routed; a well-formed unknown one does not exist. */
export function findRecord(records: RecordSet, id: string, path: string): StoredRecord {
  if (!idShape.test(id)) throw cfErrors.couldNotRoute(path);
  const record = records.get(id);
  if (!record) throw cfErrors.recordNotFound();
  return record;
}

export function getRecord(zone: Zone, id: string, path: string): Success {
  return { result: toApiRecord(findRecord(zone.records, id, path)) };
}

export function createRecord(store: ZoneStore, zone: Zone, body: unknown): Success {
  const input = parseRecordInput(body);
  const record = store.transact(zone, (records) =>
    putRecord(zone.name, records, fullFields(input), store.nowIso()),
  );
  return { result: toApiRecord(record) };
}

/** PUT overwrites every field (omitted ones fall back to defaults); PATCH changes only those given. */
export function changeRecord(
  store: ZoneStore,
  zone: Zone,
  id: string,
  body: unknown,
  mode: 'put' | 'patch',
  path: string,
): Success {
  const existing = findRecord(zone.records, id, path);
  const input = parseRecordInput(body);
  const fields = mode === 'put' ? fullFields(input) : mergedFields(fieldsOf(existing), input);
  const record = store.transact(zone, (records) =>
    putRecord(zone.name, records, fields, store.nowIso(), existing),
  );
  return { result: toApiRecord(record) };
}

export function deleteRecord(store: ZoneStore, zone: Zone, id: string, path: string): Success {
  const existing = findRecord(zone.records, id, path);
  store.transact(zone, (records) => records.delete(existing.id));
  return { result: { id: existing.id } };
}
