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
 * A thread reply still to be sent for an alert (its resolution, the on-call mention, the line in a
 * workshop's thread): kept with the alert until Slack took it, so a paced or failed send loses nothing.
 */
export const Outgoing = z.object({
  text: z.string(),
  /** Idempotency key stored with the message: a send interrupted by a crash is found, not repeated. */
  key: z.string(),
  /** Another thread (a workshop's); absent: the alert message's own thread. */
  to: z.object({ channel: z.string(), threadTs: z.string() }).optional(),
  at: z.number(),
});
export type Outgoing = z.infer<typeof Outgoing>;

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
  /** The alert message once Slack took it (firing alerts wait for their turn in the channel's pace). */
  message: z.object({ channel: z.string(), ts: z.string() }).optional(),
  /** The text last rendered into the message: an edit only when it differs. */
  rendered: z.string().optional(),
  /** When it was last rendered: the longest-unedited message is edited first when the channel is busy. */
  renderedAt: z.number().optional(),
  /** Thread replies decided but not yet sent, oldest first. */
  outbox: z.array(Outgoing).default([]),
  /** The key of a send that may have reached Slack before a crash: looked up before sending again. */
  sending: z.string().optional(),
  fixId: z.string().optional(),
  fixLabel: z.string().optional(),
  ack: z.object({ user: z.string(), at: z.number() }).optional(),
  snoozedUntil: z.number().optional(),
  snoozedBy: z.string().optional(),
  escalatedAt: z.number().optional(),
});
export type AlertState = z.infer<typeof AlertState>;
