import { z } from 'zod';
import type { RecordFields } from '../state/dns-record.js';
import { cfErrors } from './cf-api-error.js';

/** Fields of a DNS record request body; unknown fields are ignored like the API does. */
const RecordInput = z
  .object({
    name: z.string(),
    type: z.string(),
    content: z.string(),
    proxied: z.boolean(),
    ttl: z.number(),
    priority: z.number(),
    comment: z.string().nullable(),
    tags: z.array(z.string()),
    settings: z.record(z.string(), z.unknown()),
  })
  .partial();
export type RecordInput = z.infer<typeof RecordInput>;

/** Parses a record body; a wrong TTL type is reported as the API's TTL error, anything else as a bad body. */
export function parseRecordInput(body: unknown): RecordInput {
  const parsed = RecordInput.safeParse(body);
  if (parsed.success) return parsed.data;
  if (parsed.error.issues.some((i) => i.path[0] === 'ttl')) throw cfErrors.invalidTtl();
  throw cfErrors.invalidBody();
}

/** What a POST or PUT stores: the given fields over the API's defaults (auto TTL, not proxied). */
export function fullFields(input: RecordInput): RecordFields {
  return {
    name: input.name ?? '',
    type: input.type ?? '',
    content: input.content ?? '',
    proxied: input.proxied ?? false,
    ttl: input.ttl ?? 1,
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    comment: input.comment ?? null,
    tags: input.tags ?? [],
    settings: input.settings ?? {},
  };
}

/** What a PATCH stores: the given fields over the record's current ones. */
export function mergedFields(current: RecordFields, input: RecordInput): RecordFields {
  const merged: RecordFields = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}
