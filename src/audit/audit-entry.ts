import { z } from 'zod';

export const AuditOutcome = z.enum([
  'requested',
  /** A retried delivery or double click of something already queued. */
  'duplicate',
  'allowed',
  /** Malformed arguments: nothing was queued. */
  'invalid',
  'denied',
  'approved',
  'cancelled',
  'expired',
  'applied',
  'refused',
  'failed',
  'reverted',
]);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** One audit record. Only identifiers and human text: never a token, key or secret value. */
export const AuditEntry = z.object({
  at: z.number().int().nonnegative(),
  /** Slack user ID, or `opsbot` for scheduled actions. */
  actor: z.string().min(1),
  /** e.g. `dns.update`, `plan.approve`, `scale.apply`. */
  action: z.string().min(1),
  channel: z.string().optional(),
  outcome: AuditOutcome,
  detail: z.string(),
  environment: z.string().optional(),
  jobId: z.string().optional(),
  planId: z.string().optional(),
  /** Set when the two-person rule was waived in incident mode. */
  waiver: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export type AuditEntryInput = z.input<typeof AuditEntry>;

export interface AuditRecord extends AuditEntry {
  /** The Redis stream id. */
  id: string;
}
