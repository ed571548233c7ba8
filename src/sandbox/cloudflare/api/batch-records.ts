import { z } from 'zod';
import { fieldsOf, type StoredRecord, toApiRecord } from '../state/dns-record.js';
import { putRecord, type RecordSet } from '../state/put-record.js';
import type { Zone, ZoneStore } from '../state/zone-store.js';
import { CfApiError, cfErrors } from './cf-api-error.js';
import type { Success } from './envelope.js';
import { fullFields, mergedFields, parseRecordInput } from './parse-record-input.js';

/** Free plan: at most 200 record operations in one batch. */
export const batchLimit = 200;

const WithId = z.looseObject({ id: z.string() });
const BatchBody = z
  .object({
    deletes: z.array(WithId),
    patches: z.array(WithId),
    puts: z.array(WithId),
    posts: z.array(z.record(z.string(), z.unknown())),
  })
  .partial();
type BatchBody = z.infer<typeof BatchBody>;

function existing(records: RecordSet, id: string): StoredRecord {
  const record = records.get(id);
  if (!record) throw cfErrors.recordNotFound();
  return record;
}

/** Runs `op`, labelling any API error with the JSON pointer of the batch item that caused it. */
function item<T>(pointer: string, op: () => T): T {
  try {
    return op();
  } catch (err) {
    throw err instanceof CfApiError ? err.at(pointer) : err;
  }
}

function applyBatch(zone: Zone, records: RecordSet, body: BatchBody, now: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const put = (fields: Parameters<typeof putRecord>[2], current?: StoredRecord) =>
    toApiRecord(putRecord(zone.name, records, fields, now, current));
  if (body.deletes)
    out.deletes = body.deletes.map((d, i) =>
      item(`/deletes/${i}`, () => {
        const record = existing(records, d.id);
        records.delete(d.id);
        return toApiRecord(record);
      }),
    );
  if (body.patches)
    out.patches = body.patches.map(({ id, ...rest }, i) =>
      item(`/patches/${i}`, () => {
        const current = existing(records, id);
        return put(mergedFields(fieldsOf(current), parseRecordInput(rest)), current);
      }),
    );
  if (body.puts)
    out.puts = body.puts.map(({ id, ...rest }, i) =>
      item(`/puts/${i}`, () => put(fullFields(parseRecordInput(rest)), existing(records, id))),
    );
  if (body.posts)
    out.posts = body.posts.map((p, i) => item(`/posts/${i}`, () => put(fullFields(parseRecordInput(p)))));
  return out;
}

/**
 * POST /zones/:id/dns_records/batch: deletes, patches, puts, posts in that order, as one
 * transaction. The first invalid item fails the whole batch and nothing is changed.
 */
export function batchRecords(store: ZoneStore, zone: Zone, rawBody: unknown): Success {
  const parsed = BatchBody.safeParse(rawBody);
  if (!parsed.success) throw cfErrors.invalidBody();
  const body = parsed.data;
  const size =
    (body.deletes?.length ?? 0) +
    (body.patches?.length ?? 0) +
    (body.puts?.length ?? 0) +
    (body.posts?.length ?? 0);
  if (size > batchLimit) throw cfErrors.batchTooLarge(batchLimit);
  const now = store.nowIso();
  return { result: store.transact(zone, (records) => applyBatch(zone, records, body, now)) };
}
