/** Block Kit blocks as posted; validated by Slack (and the sandbox's Slack), not by us. */
export type Blocks = Record<string, unknown>[];

export interface ChatMessage {
  channel: string;
  text: string;
  blocks?: Blocks;
  threadTs?: string;
  /** Stored with the message (Slack message metadata), so `findPosted` can find it again after a crash. */
  key?: string;
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

/**
 * What jobs need from Slack. Implemented by `src/slack/slack-chat.ts` over the Web API;
 * jobs never import `@slack/*` themselves.
 */
export interface Chat {
  post(message: ChatMessage): Promise<PostedMessage>;
  update(target: PostedMessage, message: Omit<ChatMessage, 'channel' | 'threadTs'>): Promise<void>;
  postEphemeral(message: ChatMessage & { user: string }): Promise<void>;
  /** Answers through a slash command's or interaction's response_url (works outside channels the bot is in). */
  respond(
    responseUrl: string,
    message: {
      text: string;
      blocks?: Blocks;
      ephemeral?: boolean;
      replaceOriginal?: boolean;
      threadTs?: string;
    },
  ): Promise<void>;
  publishHome(userId: string, blocks: Blocks): Promise<void>;
  /**
   * The bot's message posted with `key` in the thread `threadTs` (or, without one, among the channel's
   * recent messages), if any: how a re-run after a crash learns that its post already went out.
   */
  findPosted(channel: string, threadTs: string | undefined, key: string): Promise<PostedMessage | undefined>;
}
