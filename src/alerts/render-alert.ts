import type { AlertSeverity } from '../inventory/schema.js';
import { slackTime } from '../plans/render-plan.js';
import type { Blocks } from '../ports/chat.js';
import { code } from '../slack-text/code.js';
import type { AlertState } from './alert-state.js';

export const ALERT_ACTIONS = ['ack', 'snooze1h', 'snooze4h', 'snoozetomorrow'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

const ICON: Record<AlertSeverity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };
const EVIDENCE_SHOWN = 5;
const SECTION_MAX = 2_800;

/** "3 min", "2 h 5 min": minute granularity, so a message is edited at most once a minute for its duration. */
export function duration(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

const clip = (t: string) => (t.length > SECTION_MAX ? `${t.slice(0, SECTION_MAX - 1)}…` : t);
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text) } });
const button = (actionId: string, label: string, value: string, style?: 'primary') => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: label.slice(0, 75) },
  value,
  ...(style ? { style } : {}),
});

function headline(a: AlertState): string {
  return `${ICON[a.severity]} *${a.severity.toUpperCase()}* ${code(a.environment)} · *${a.title}* — ${code(a.subject)}`;
}

function statusLine(a: AlertState, now: number): string | undefined {
  const parts: string[] = [];
  if (a.ack) parts.push(`acknowledged by <@${a.ack.user}> ${slackTime(a.ack.at)}`);
  if (a.snoozedUntil && a.snoozedUntil > now)
    parts.push(`snoozed until ${slackTime(a.snoozedUntil)}${a.snoozedBy ? ` by <@${a.snoozedBy}>` : ''}`);
  if (a.escalatedAt) parts.push(`escalated ${slackTime(a.escalatedAt)}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * The alert message. Summary and evidence come from the check, already escaped (see CheckResult);
 * subject and environment are escaped here. While firing: Acknowledge / Snooze, and the check's fix.
 */
export function renderAlert(a: AlertState, now: number): { text: string; blocks: Blocks } {
  if (a.phase === 'resolved') {
    const lasted =
      a.firingSince !== undefined && a.resolvedAt !== undefined ? duration(a.resolvedAt - a.firingSince) : '';
    const text = `✅ *RESOLVED* ${code(a.environment)} · *${a.title}* — ${code(a.subject)}\n~${a.last.summary}~\nresolved ${slackTime(a.resolvedAt ?? now)}${lasted ? ` after ${lasted}` : ''}`;
    return { text, blocks: [section(text)] };
  }
  const since = a.firingSince ?? a.firstSeenAt;
  const lines = [
    headline(a),
    a.last.summary,
    `firing for ${duration(now - since)} (since ${slackTime(since)})`,
    ...a.last.evidence.slice(0, EVIDENCE_SHOWN).map((e) => `› ${e}`),
    ...(a.last.evidence.length > EVIDENCE_SHOWN
      ? [`› … ${a.last.evidence.length - EVIDENCE_SHOWN} more`]
      : []),
  ];
  const status = statusLine(a, now);
  const blocks: Blocks = [section(lines.join('\n'))];
  if (status) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: status }] });
  blocks.push({
    type: 'actions',
    elements: [
      ...(a.ack ? [] : [button('alert.ack', 'Acknowledge', a.id, 'primary')]),
      button('alert.snooze1h', 'Snooze 1 h', a.id),
      button('alert.snooze4h', 'Snooze 4 h', a.id),
      button('alert.snoozetomorrow', 'Snooze until tomorrow 09:00', a.id),
      ...(a.fixId ? [button('diagnose.fix', a.fixLabel ?? 'Fix…', a.fixId)] : []),
    ],
  });
  const text = [...lines, ...(status ? [status] : [])].join('\n');
  return { text, blocks };
}

/** The thread reply when it resolves. */
export function renderResolution(a: AlertState): string {
  const lasted =
    a.firingSince !== undefined && a.resolvedAt !== undefined
      ? ` after ${duration(a.resolvedAt - a.firingSince)}`
      : '';
  return `✅ Resolved${lasted}: *${a.title}* — ${code(a.subject)} passed its last checks.`;
}

/** Users mentioned at most by one escalation. */
const MENTIONS_MAX = 10;

/**
 * The thread reply that calls the on-call group. Its members are mentioned one by one: outgoing text
 * never carries a group ping (`<!subteam^…>` is escaped with every markup opsbot does not write).
 */
export function renderEscalation(a: AlertState, onCall: string, members: string[], minutes: number): string {
  const who = members.length
    ? members
        .slice(0, MENTIONS_MAX)
        .map((u) => `<@${u}>`)
        .join(' ')
    : `on-call group ${code(onCall)} (no members found)`;
  return `:rotating_light: ${who} — *${a.title}* — ${code(a.subject)} has been firing for ${minutes} min without an acknowledgement.`;
}
