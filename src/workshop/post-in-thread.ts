import type { JobDeps } from '../jobs/job-deps.js';
import { postOnceIn } from '../plans/post-once-in.js';
import type { Blocks, PostedMessage } from '../ports/chat.js';
import type { Workshop } from './workshop-record.js';
import type { WorkshopStore } from './workshop-store.js';

/** Posts into the workshop's thread once per `slot`, however often the step that posts it re-runs. */
export function postInThread(
  deps: Pick<JobDeps, 'chat' | 'clock'>,
  store: WorkshopStore,
  w: Workshop,
  slot: string,
  message: { text: string; blocks?: Blocks },
): Promise<PostedMessage> {
  return postOnceIn(store.slotStore(w.id), deps, slot, `${w.id}:${slot}`, {
    channel: w.channel,
    ...(w.threadTs ? { threadTs: w.threadTs } : {}),
    ...message,
  });
}
