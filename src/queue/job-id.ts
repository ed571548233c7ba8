import { createHash } from 'node:crypto';

/**
 * BullMQ job ids may not contain `:` (it separates key parts) nor be all digits (those are its own counters).
 * Anything outside a conservative set becomes `_`.
 */
export function sanitizeJobId(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  if (cleaned.length === 0) throw new Error('empty job id');
  return /^\d+$/.test(cleaned) ? `j-${cleaned}` : cleaned;
}

/** A stable job id from a request identity (e.g. Slack's trigger_id), so a retried delivery maps to the same job. */
export function jobIdFor(kind: string, ...identity: string[]): string {
  const digest = createHash('sha256').update(identity.join('\u0000')).digest('hex').slice(0, 24);
  return sanitizeJobId(`${kind}-${digest}`);
}
