import { checkConflicts } from './check-conflicts.js';
import type { RecordFields, StoredRecord } from './dns-record.js';
import { newId } from './ids.js';
import { validateRecord } from './validate-record.js';

export type RecordSet = Map<string, StoredRecord>;

function sameTags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * Validates `fields` and stores them as a new record, or over `existing` (keeping its id and
 * creation time). Throws the API's error and leaves `records` untouched on any problem.
 */
export function putRecord(
  zoneName: string,
  records: RecordSet,
  fields: RecordFields,
  now: string,
  existing?: StoredRecord,
  id: string = newId(),
): StoredRecord {
  const valid = validateRecord(fields, zoneName);
  checkConflicts(valid, records.values(), existing?.id);
  const commentChanged = existing ? existing.comment !== valid.comment : valid.comment !== null;
  const tagsChanged = existing ? !sameTags(existing.tags, valid.tags) : valid.tags.length > 0;
  const commentModifiedOn = commentChanged ? now : existing?.commentModifiedOn;
  const tagsModifiedOn = tagsChanged ? now : existing?.tagsModifiedOn;
  const record: StoredRecord = {
    id: existing?.id ?? id,
    name: valid.name,
    type: valid.type,
    content: valid.content,
    proxiable: valid.proxiable,
    proxied: valid.proxied,
    ttl: valid.ttl,
    ...(valid.priority !== undefined ? { priority: valid.priority } : {}),
    comment: valid.comment,
    tags: [...valid.tags],
    settings: { ...valid.settings },
    createdOn: existing?.createdOn ?? now,
    modifiedOn: now,
    ...(commentModifiedOn ? { commentModifiedOn } : {}),
    ...(tagsModifiedOn ? { tagsModifiedOn } : {}),
  };
  records.set(record.id, record);
  return record;
}
