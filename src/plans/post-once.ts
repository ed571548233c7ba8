import type { ChatMessage, PostedMessage } from '../ports/chat.js';
import type { PlanDeps } from './plan-deps.js';

type Slot = 'messageTs' | 'resultTs';
const CLAIM = { messageTs: 'messageClaim', resultTs: 'resultClaim' } as const;

/**
 * Posts a plan's message or result once, even across crashes. The post is recorded as `slot` after it
 * goes out; a claim is written before, so a re-run that finds a claim but no record looks the post up by
 * its key (Slack message metadata) instead of posting it a second time.
 */
export async function postOnce(
  deps: Pick<PlanDeps, 'plans' | 'chat' | 'clock'>,
  planId: string,
  slot: Slot,
  message: ChatMessage,
): Promise<PostedMessage> {
  const plan = await deps.plans.get(planId);
  const recorded = plan?.[slot];
  if (recorded) return { channel: message.channel, ts: recorded };
  const key = `${planId}:${slot}`;
  if (plan?.[CLAIM[slot]]) {
    // A lookup that fails is a transient error: better retried than a second message with live buttons.
    const found = await deps.chat.findPosted(message.channel, message.threadTs, key);
    if (found) {
      await deps.plans.update(planId, { [slot]: found.ts });
      return found;
    }
  }
  await deps.plans.update(planId, { [CLAIM[slot]]: deps.clock.now() });
  const posted = await deps.chat.post({ ...message, key });
  await deps.plans.update(planId, { [slot]: posted.ts });
  return posted;
}
