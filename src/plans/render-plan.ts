import type { Blocks } from '../ports/chat.js';
import { oneLine } from '../slack-text/escape-mrkdwn.js';
import { formatDuration } from '../slack-text/format-duration.js';
import type { AnyChangeKind } from './change-kind.js';
import { type Plan, SYSTEM_ACTOR } from './plan.js';

/** Slack users and user groups (inventory `access.roles.<role>`). */
export interface Approvers {
  users: string[];
  usergroups: string[];
}

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

/** For people: `1h 30m`, `45m`, `48h`, `3d 4h` (rounded to the minute; days only past two). */
export const roundedDuration = formatDuration;

/** A time-boxed plan says when it undoes itself: approvers must see that what they approve is temporary. */
function revertLine(plan: Plan): string | undefined {
  if (plan.revertedBy) return `Reverted by plan \`${plan.revertedBy}\`.`;
  if (['cancelled', 'expired', 'failed'].includes(plan.status)) return undefined;
  if (plan.revertAt) return `:hourglass: Temporary: reverts automatically ${slackTime(plan.revertAt)}.`;
  if (plan.revertUntil)
    return `:hourglass: Temporary: reverts at ${slackTime(plan.revertUntil)}, in ${roundedDuration(plan.revertUntil - plan.createdAt)}, however late it is approved.`;
  if (plan.revertAfterMs)
    return `:hourglass: Temporary: reverts ${roundedDuration(plan.revertAfterMs)} after it is applied (at ${slackTime(plan.createdAt + plan.revertAfterMs)} if applied now).`;
  return undefined;
}

/**
 * Pings who may approve (the inventory's approver role). A rich-text mention, not `<!subteam^…>` in mrkdwn:
 * the outgoing filter rightly escapes group pings in text, where they could only have come from user input.
 */
function approverPing(approvers: Approvers): Blocks {
  const mentions = [
    ...approvers.usergroups.map((id) => ({ type: 'usergroup', usergroup_id: id })),
    ...approvers.users.map((id) => ({ type: 'user', user_id: id })),
  ].slice(0, 20);
  if (!mentions.length) return [];
  const between = (i: number) => (i ? [{ type: 'text', text: ' ' }] : []);
  return [
    {
      type: 'rich_text',
      elements: [
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'Waiting for approval by ' },
            ...mentions.flatMap((m, i) => [...between(i), m]),
          ],
        },
      ],
    },
  ];
}

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
      if (plan.standing === 'partial')
        return `:warning: Applied only in part${plan.standingNow ? ` (now: ${plan.standingNow})` : ''}, then stopped: ${plan.error ?? 'see the thread'}`;
      if (plan.standing === 'unknown')
        return `:grey_question: Not applied as far as opsbot can tell (it could not read the live state back; check it): ${plan.error ?? 'see the thread'}`;
      return `:x: Failed: ${(plan.error ?? 'see the thread').replace(/^Not applied: /, '')}`;
    case 'cancelled':
      return `Cancelled by ${who(plan.cancelledBy ?? '?')}`;
    case 'expired':
      return 'Expired: run the command again for a fresh plan.';
  }
}

/** The status as the fallback text says it: a plan that stopped halfway is not simply "failed". */
export function statusWord(plan: Plan): string {
  if (plan.status === 'failed' && plan.standing === 'partial') return 'applied in part';
  return plan.status;
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
export function renderPlanMessage(
  plan: Plan,
  kind: AnyChangeKind,
  twoPerson: boolean,
  /** Who may approve it, pinged while it waits for a second person. */
  approvers?: Approvers,
): RenderedMessage {
  // A revert names the plan it reverts first, then its own id: "Revert of plan `A` (plan `B`)".
  const title = plan.revertOf ? `Revert of plan \`${plan.revertOf}\`` : 'Plan';
  const own = plan.revertOf ? `(plan \`${plan.id}\`)` : `\`${plan.id}\``;
  // Kinds escape the data inside summaries and warnings; one line each keeps them from posing as a status line.
  const summary = oneLine(plan.summary);
  const head = `*${title}* ${own} in *${plan.environment}* · ${summary}`;
  const blocks: Blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    ...diffBlocks(plan, kind),
  ];
  const revert = revertLine(plan);
  if (revert) blocks.push(context(revert));
  if (plan.warnings.length)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: plan.warnings.map((w) => `:warning: ${oneLine(w)}`).join('\n') },
    });
  blocks.push(context(statusLine(plan, twoPerson)));
  // While it waits for a second person; a decided plan needs nobody.
  if (plan.status === 'pending' && twoPerson && approvers) blocks.push(...approverPing(approvers));
  if (plan.status === 'pending')
    blocks.push({
      type: 'actions',
      block_id: `plan-${plan.id}`,
      elements: [
        button(APPROVE_ACTION, 'Approve', plan.id, 'primary'),
        button(CANCEL_ACTION, 'Cancel', plan.id, 'danger'),
      ],
    });
  return { text: `${title} ${own}: ${summary} (${statusWord(plan)})`, blocks };
}

/**
 * Posted in the plan's thread once applied: what happened, the verification, and Undo — or, for a change
 * with nothing to restore, why there is none (a button that can only refuse would be a false promise).
 */
export function renderResult(
  plan: Plan,
  verification: string,
  verified: boolean,
  noUndo?: string,
): RenderedMessage {
  const icon = verified ? ':white_check_mark:' : ':warning:';
  const head = verified ? 'Applied and verified' : 'Applied, but verification failed';
  const lines = [`${icon} ${head}: ${plan.summary}`, `Verification: ${verification}`];
  if (plan.revertAt) lines.push(`Reverts automatically ${slackTime(plan.revertAt)}.`);
  if (noUndo) lines.push(`No Undo: ${noUndo}`);
  return {
    text: lines.join('\n'),
    blocks: [
      // Slack refuses a section over 3,000 characters; a long TXT value or a big sync must not fail the post.
      { type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), 2900) } },
      context(`plan \`${plan.id}\` · approved by ${who(plan.approver ?? '?')}`),
      ...(noUndo
        ? []
        : [
            {
              type: 'actions',
              block_id: `result-${plan.id}`,
              elements: [button(UNDO_ACTION, 'Undo', plan.id)],
            },
          ]),
    ],
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
