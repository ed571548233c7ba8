import { slackTime } from '../plans/render-plan.js';
import type { Blocks } from '../ports/chat.js';
import { code } from '../slack-text/code.js';
import type { AlertState } from './alert-state.js';
import { duration } from './render-alert.js';

type Group = 'active' | 'acknowledged' | 'snoozed' | 'resolved';

function groupOf(a: AlertState, now: number): Group | undefined {
  if (a.phase === 'resolved') return 'resolved';
  if (a.phase !== 'firing') return undefined;
  if (a.snoozedUntil && a.snoozedUntil > now) return 'snoozed';
  return a.ack ? 'acknowledged' : 'active';
}

const HEADINGS: Record<Group, string> = {
  active: '🔥 *Active*',
  acknowledged: '👀 *Acknowledged*',
  snoozed: '💤 *Snoozed*',
  resolved: '✅ *Resolved in the last 24 h*',
};

function line(a: AlertState, g: Group, now: number): string {
  const what = `*${a.title}* — ${code(a.subject)} (${a.severity})`;
  const since = a.firingSince ?? a.firstSeenAt;
  if (g === 'resolved') return `• ${what}, resolved ${slackTime(a.resolvedAt ?? now)}`;
  const extra =
    g === 'snoozed'
      ? `, snoozed until ${slackTime(a.snoozedUntil ?? now)}`
      : g === 'acknowledged' && a.ack
        ? `, acknowledged by <@${a.ack.user}>`
        : '';
  return `• ${what}: ${a.last.summary} — for ${duration(now - since)}${extra}`;
}

/** `/ops alerts`: firing alerts by state, then those resolved recently; a line each. */
export function renderAlertList(
  environment: string,
  alerts: AlertState[],
  now: number,
): { text: string; blocks: Blocks } {
  const groups = new Map<Group, AlertState[]>();
  for (const a of [...alerts].sort((x, y) => (x.firingSince ?? 0) - (y.firingSince ?? 0))) {
    const g = groupOf(a, now);
    if (g) groups.set(g, [...(groups.get(g) ?? []), a]);
  }
  const head = `Alerts of ${code(environment)}`;
  if (groups.size === 0) {
    const text = `${head}: none firing, none resolved in the last 24 h.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const sections = (['active', 'acknowledged', 'snoozed', 'resolved'] as const)
    .filter((g) => groups.has(g))
    .map((g) => {
      const items = groups.get(g) ?? [];
      const lines = items.slice(0, 15).map((a) => line(a, g, now));
      if (items.length > 15) lines.push(`• … ${items.length - 15} more`);
      const t = `${HEADINGS[g]} (${items.length})\n${lines.join('\n')}`;
      return t.length > 2_900 ? `${t.slice(0, 2_899)}…` : t;
    });
  const text = [head, ...sections].join('\n');
  return {
    text: text.slice(0, 3_000),
    blocks: [head, ...sections].map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } })),
  };
}
