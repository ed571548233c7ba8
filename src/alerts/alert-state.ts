import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AlertSeverity } from '../inventory/schema.js';

/** An alert's id (Slack button value): stable per environment + check + subject, so one alert per fingerprint. */
export function alertId(environment: string, checkId: string, subject: string): string {
  return `al-${createHash('sha256').update(`${environment}\n${checkId}\n${subject}`).digest('hex').slice(0, 16)}`;
}

export const ALERT_ID = /^al-[0-9a-f]{16}$/;

/** What one evaluation run saw of a fingerprint: its summary/evidence (already escaped mrkdwn by the check). */
export const Observation = z.object({
  summary: z.string(),
  evidence: z.array(z.string()),
});
export type Observation = z.infer<typeof Observation>;

/**
 * One fingerprint's state in Redis. `pending`: failing but not yet `fireAfter` runs in a row;
 * `firing`: posted; `resolved`: kept a while for `/ops alerts`, then pruned.
 */
export const AlertState = z.object({
  id: z.string(),
  environment: z.string(),
  checkId: z.string(),
  title: z.string(),
  subject: z.string(),
  severity: AlertSeverity,
  phase: z.enum(['pending', 'firing', 'resolved']),
  /** Consecutive failing runs (reset by a passing one) and consecutive passing runs while firing. */
  failing: z.number().int(),
  passing: z.number().int(),
  firstSeenAt: z.number(),
  firingSince: z.number().optional(),
  resolvedAt: z.number().optional(),
  last: Observation,
  message: z.object({ channel: z.string(), ts: z.string() }).optional(),
  /** The text last rendered into the message: an edit only when it differs. */
  rendered: z.string().optional(),
  fixId: z.string().optional(),
  fixLabel: z.string().optional(),
  ack: z.object({ user: z.string(), at: z.number() }).optional(),
  snoozedUntil: z.number().optional(),
  snoozedBy: z.string().optional(),
  escalatedAt: z.number().optional(),
});
export type AlertState = z.infer<typeof AlertState>;
