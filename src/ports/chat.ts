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

/** A file shared in a channel or thread (a chart image). */
export interface ChatFile {
  channel: string;
  threadTs?: string;
  filename: string;
  title: string;
  /** Screen-reader text for images. */
  altText?: string;
  /** Posted with the file as its message. */
  initialComment?: string;
  content: Uint8Array;
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
  /** Uploads a file into a channel or thread (Slack's `files.uploadV2` flow); returns the file id. */
  uploadFile(file: ChatFile): Promise<{ fileId: string }>;
  /** The user's IANA time zone from their Slack profile (`users.info`), if Slack knows it. */
  userTimeZone(userId: string): Promise<string | undefined>;
  /**
   * The bot's message posted with `key` in the thread `threadTs` (or, without one, among the channel's
   * recent messages), if any: how a re-run after a crash learns that its post already went out.
   */
  findPosted(channel: string, threadTs: string | undefined, key: string): Promise<PostedMessage | undefined>;
  /**
   * After `findPosted` found a keyed post again: posts what of it may not have gone out before the crash
   * (the thread continuations of a message too long for one Slack message), never anything twice.
   */
  completePost(message: ChatMessage, first: PostedMessage): Promise<void>;
}
