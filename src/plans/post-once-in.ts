import type { Chat, ChatMessage, PostedMessage } from '../ports/chat.js';

/** Where a post-once records its claim and the ts it posted, per slot. */
export interface PostSlots {
  get(slot: string): Promise<string | null | undefined>;
  claimed(slot: string): Promise<boolean>;
  claim(slot: string, at: number): Promise<void>;
  record(slot: string, ts: string): Promise<void>;
}

/**
 * Posts a message once per `slot`, even across crashes: a claim is written before the post and the ts
 * after it, so a re-run that finds a claim but no ts looks the post up by its key (Slack message
 * metadata) instead of posting it twice. A failed lookup throws (retried) rather than risk a double.
 */
export async function postOnceIn(
  slots: PostSlots,
  deps: { chat: Pick<Chat, 'post' | 'findPosted' | 'completePost'>; clock: { now(): number } },
  slot: string,
  key: string,
  message: ChatMessage,
): Promise<PostedMessage> {
  const recorded = await slots.get(slot);
  if (recorded) return { channel: message.channel, ts: recorded };
  if (await slots.claimed(slot)) {
    const found = await deps.chat.findPosted(message.channel, message.threadTs, key);
    if (found) {
      await deps.chat.completePost({ ...message, key }, found);
      await slots.record(slot, found.ts);
      return found;
    }
  }
  await slots.claim(slot, deps.clock.now());
  const posted = await deps.chat.post({ ...message, key });
  await slots.record(slot, posted.ts);
  return posted;
}
