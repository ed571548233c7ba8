import type { WebClient } from '@slack/web-api';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import type { Blocks, Chat, ChatFile, ChatMessage, PostedMessage } from '../ports/chat.js';
import { cleanOutgoing, type Scrub } from './clean-outgoing.js';

export interface SlackChatOptions {
  fetchFn?: typeof fetch;
  /** Masks the bot's credentials; without one, only token-shaped strings are masked. */
  scrub?: Scrub;
}

/** Slack message-metadata event type under which posts carry their idempotency key. */
const MESSAGE_KEY_EVENT = 'opsbot_message';

/** The Chat port over Slack's Web API; every message leaves through `cleanOutgoing`. */
export class SlackChat implements Chat {
  private readonly fetchFn: typeof fetch;
  private readonly scrub: Scrub;

  constructor(
    private readonly client: WebClient,
    opts: SlackChatOptions = {},
  ) {
    this.fetchFn = opts.fetchFn ?? fetch;
    this.scrub = opts.scrub ?? createSecretScrubber([]);
  }

  async post(original: ChatMessage): Promise<PostedMessage> {
    const message = cleanOutgoing(original, this.scrub);
    const res = await this.client.chat.postMessage({
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(original.key
        ? { metadata: { event_type: MESSAGE_KEY_EVENT, event_payload: { key: original.key } } }
        : {}),
      unfurl_links: false,
    });
    return { channel: res.channel ?? message.channel, ts: res.ts ?? '' };
  }

  async findPosted(
    channel: string,
    threadTs: string | undefined,
    key: string,
  ): Promise<PostedMessage | undefined> {
    const res = threadTs
      ? await this.client.conversations.replies({
          channel,
          ts: threadTs,
          include_all_metadata: true,
          limit: 200,
        })
      : await this.client.conversations.history({ channel, include_all_metadata: true, limit: 100 });
    const hit = (res.messages ?? []).find((m) => {
      const meta = m.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
      return meta?.event_type === MESSAGE_KEY_EVENT && meta.event_payload?.key === key;
    });
    return hit?.ts ? { channel, ts: hit.ts } : undefined;
  }

  async update(target: PostedMessage, original: { text: string; blocks?: Blocks }): Promise<void> {
    const message = cleanOutgoing(original, this.scrub);
    await this.client.chat.update({
      channel: target.channel,
      ts: target.ts,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
    });
  }

  async postEphemeral(original: ChatMessage & { user: string }): Promise<void> {
    const message = cleanOutgoing(original, this.scrub);
    await this.client.chat.postEphemeral({
      channel: message.channel,
      user: message.user,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    });
  }

  async respond(
    responseUrl: string,
    original: {
      text: string;
      blocks?: Blocks;
      ephemeral?: boolean;
      replaceOriginal?: boolean;
      threadTs?: string;
    },
  ): Promise<void> {
    const message = cleanOutgoing(original, this.scrub);
    const res = await this.fetchFn(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: message.text,
        blocks: message.blocks,
        response_type: message.ephemeral === false ? 'in_channel' : 'ephemeral',
        replace_original: message.replaceOriginal ?? false,
        thread_ts: message.threadTs,
      }),
    });
    // The URL itself is a credential for 30 minutes: never put it in the error.
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
  }

  async publishHome(userId: string, original: Blocks): Promise<void> {
    const { blocks } = cleanOutgoing({ blocks: original }, this.scrub);
    await this.client.views.publish({ user_id: userId, view: { type: 'home', blocks: blocks as never } });
  }

  // TODO(helper): files.uploadV2 / users.info
  async uploadFile(_file: ChatFile): Promise<{ fileId: string }> {
    throw new Error('uploadFile: not implemented yet');
  }

  async userTimeZone(_userId: string): Promise<string | undefined> {
    return undefined;
  }
}
