import type { Blocks } from '../ports/chat.js';
import { oneLine } from '../slack-text/escape-mrkdwn.js';
import type { AnyChangeKind } from './change-kind.js';
import { type Plan, SYSTEM_ACTOR } from './plan.js';

export const APPROVE_ACTION = 'plan.approve';
export const CANCEL_ACTION = 'plan.cancel';
export const UNDO_ACTION = 'plan.undo';

export interface RenderedMessage {
  text: string;
  blocks: Blocks;
}

export function who(actor: string): string {
  return actor === SYSTEM_ACTOR ? 'opsbot (scheduled)' : `<@${actor}>`;
}

/** Slack renders this in the reader's time zone; the fallback is for clients that cannot. */
export function slackTime(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${new Date(ms).toISOString()}>`;
}

const button = (actionId: string, label: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: label },
  value,
  ...(style ? { style } : {}),
});

const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function statusLine(plan: Plan, twoPerson: boolean): string {
  switch (plan.status) {
    case 'pending':
      return `Requested by ${who(plan.requester)} · expires ${slackTime(plan.expiresAt)}${
        twoPerson ? ' · needs approval by someone other than the requester' : ''
      }`;
    case 'approved':
    case 'applying':
      return `${plan.automatic ?? `Approved by ${who(plan.approver ?? '?')}`} · applying…`;
    case 'applied':
      return `:white_check_mark: Applied · ${plan.automatic ?? `approved by ${who(plan.approver ?? '?')}`}`;
    case 'failed':
      return `:x: Failed: ${plan.error ?? 'see the thread'}`;
    case 'cancelled':
      return `Cancelled by ${who(plan.cancelledBy ?? '?')}`;
    case 'expired':
      return 'Expired: run the command again for a fresh plan.';
  }
}

function diffBlocks(plan: Plan, kind: AnyChangeKind): Blocks {
  const after = kind.afterOf(plan.change, plan.before);
  if (kind.render) return kind.render({ id: plan.id, change: plan.change, before: plan.before, after });
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Before:* ${kind.describe(plan.before)}\n*After:* ${kind.describe(after)}`,
      },
    },
  ];
}

/** The plan message: what changes, who asked, warnings, and Approve / Cancel while it is pending. */
export function renderPlanMessage(plan: Plan, kind: AnyChangeKind, twoPerson: boolean): RenderedMessage {
  const title = plan.revertOf ? `Revert plan \`${plan.revertOf}\`` : 'Plan';
  // Kinds escape the data inside summaries and warnings; one line each keeps them from posing as a status line.
  const summary = oneLine(plan.summary);
  const blocks: Blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${title}* \`${plan.id}\` · ${summary}` } },
    ...diffBlocks(plan, kind),
  ];
  if (plan.warnings.length)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: plan.warnings.map((w) => `:warning: ${oneLine(w)}`).join('\n') },
    });
  blocks.push(context(statusLine(plan, twoPerson)));
  if (plan.status === 'pending')
    blocks.push({
      type: 'actions',
      block_id: `plan-${plan.id}`,
      elements: [
        button(APPROVE_ACTION, 'Approve', plan.id, 'primary'),
        button(CANCEL_ACTION, 'Cancel', plan.id, 'danger'),
      ],
    });
  return { text: `${title} ${plan.id}: ${summary} (${plan.status})`, blocks };
}

/** Posted in the plan's thread once applied: what happened, the verification, and Undo. */
export function renderResult(plan: Plan, verification: string, verified: boolean): RenderedMessage {
  const icon = verified ? ':white_check_mark:' : ':warning:';
  const head = verified ? 'Applied and verified' : 'Applied, but verification failed';
  const lines = [`${icon} ${head}: ${plan.summary}`, `Verification: ${verification}`];
  if (plan.revertAt) lines.push(`Reverts automatically ${slackTime(plan.revertAt)}.`);
  return {
    text: lines.join('\n'),
    blocks: [
      // Slack refuses a section over 3,000 characters; a long TXT value or a big sync must not fail the post.
      { type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), 2900) } },
      context(`plan \`${plan.id}\` · approved by ${who(plan.approver ?? '?')}`),
      { type: 'actions', block_id: `result-${plan.id}`, elements: [button(UNDO_ACTION, 'Undo', plan.id)] },
    ],
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
