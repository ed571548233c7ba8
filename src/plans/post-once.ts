import type { ChatMessage, PostedMessage } from '../ports/chat.js';
import type { PlanDeps } from './plan-deps.js';
import { postOnceIn } from './post-once-in.js';

type Slot = 'messageTs' | 'resultTs';
const CLAIM = { messageTs: 'messageClaim', resultTs: 'resultClaim' } as const;

/** Posts a plan's message or result once, even across crashes (see postOnceIn); recorded on the plan. */
export async function postOnce(
  deps: Pick<PlanDeps, 'plans' | 'chat' | 'clock'>,
  planId: string,
  slot: Slot,
  message: ChatMessage,
): Promise<PostedMessage> {
  const slots = {
    get: async () => (await deps.plans.get(planId))?.[slot],
    claimed: async () => Boolean((await deps.plans.get(planId))?.[CLAIM[slot]]),
    claim: async (_: string, at: number) => void (await deps.plans.update(planId, { [CLAIM[slot]]: at })),
    record: async (_: string, ts: string) => void (await deps.plans.update(planId, { [slot]: ts })),
  };
  return postOnceIn(slots, deps, slot, `${planId}:${slot}`, message);
}
