import type { AuditLog } from '../audit/audit-log.js';
import { AccessDeniedError } from './access-rules.js';
import type { Plan } from './plan.js';

export interface Click {
  user: string;
  channel: string;
  environment: string;
  messageTs?: string;
}

/**
 * A button press is judged against the plan it names, not the channel it came from: it must come from the
 * plan's channel and environment (where the presser's role was looked up) and from one of the plan's own
 * messages. A forged or replayed value is refused, audited as denied, and changes nothing.
 */
export async function checkClick(
  deps: { audit: Pick<AuditLog, 'append'> },
  plan: Plan,
  click: Click,
  now: number,
): Promise<void> {
  const ownMessages = [plan.messageTs, plan.resultTs].filter(Boolean);
  const why =
    plan.environment !== click.environment || plan.channel !== click.channel
      ? `clicked in ${click.environment} (${click.channel}) for a plan of ${plan.environment}`
      : click.messageTs !== undefined && !ownMessages.includes(click.messageTs)
        ? 'clicked on a message that is not the plan’s'
        : undefined;
  if (!why) return;
  await deps.audit.append({
    at: now,
    actor: click.user,
    action: plan.action,
    channel: click.channel,
    environment: plan.environment,
    outcome: 'denied',
    detail: `button refused: ${why}`,
    planId: plan.id,
  });
  throw new AccessDeniedError(
    `This button does not belong to plan ${plan.id}'s own message in its channel; nothing was done.`,
    'Use the buttons on the plan message itself.',
  );
}
