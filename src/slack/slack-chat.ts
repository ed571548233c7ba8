import type { WebClient } from '@slack/web-api';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import type { Blocks, Chat, ChatMessage, PostedMessage } from '../ports/chat.js';
import { cleanOutgoing, type Scrub } from './clean-outgoing.js';

export interface SlackChatOptions {
  fetchFn?: typeof fetch;
  /** Masks the bot's credentials; without one, only token-shaped strings are masked. */
  scrub?: Scrub;
}

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
      unfurl_links: false,
    });
    return { channel: res.channel ?? message.channel, ts: res.ts ?? '' };
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
}
