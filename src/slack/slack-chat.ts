import type { WebClient } from '@slack/web-api';
import type { Blocks, Chat, ChatMessage, PostedMessage } from '../ports/chat.js';

/** The Chat port over Slack's Web API. */
export class SlackChat implements Chat {
  constructor(
    private readonly client: WebClient,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async post(message: ChatMessage): Promise<PostedMessage> {
    const res = await this.client.chat.postMessage({
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      unfurl_links: false,
    });
    return { channel: res.channel ?? message.channel, ts: res.ts ?? '' };
  }

  async update(target: PostedMessage, message: { text: string; blocks?: Blocks }): Promise<void> {
    await this.client.chat.update({
      channel: target.channel,
      ts: target.ts,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
    });
  }

  async postEphemeral(message: ChatMessage & { user: string }): Promise<void> {
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
    message: {
      text: string;
      blocks?: Blocks;
      ephemeral?: boolean;
      replaceOriginal?: boolean;
      threadTs?: string;
    },
  ): Promise<void> {
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

  async publishHome(userId: string, blocks: Blocks): Promise<void> {
    await this.client.views.publish({ user_id: userId, view: { type: 'home', blocks: blocks as never } });
  }
}
