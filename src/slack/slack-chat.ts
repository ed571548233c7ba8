import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import type { Blocks, Chat, ChatFile, ChatMessage, PostedMessage } from '../ports/chat.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Logger } from '../queue/logger.js';
import { neutralizeMarkup } from '../slack-text/neutralize-markup.js';
import { cleanOutgoing, type Scrub } from './clean-outgoing.js';
import { type MessagePart, messageAsText, splitMessage, withNotice } from './split-message.js';

export interface SlackChatOptions {
  fetchFn?: typeof fetch;
  /** Masks the bot's credentials; without one, only token-shaped strings are masked. */
  scrub?: Scrub;
  /** Where failed time-zone look-ups are noted (debug): the caller falls back to a default zone. */
  logger?: Pick<Logger, 'debug'>;
  /** For the time-zone cache. */
  clock?: Clock;
}

/** How long a user's time zone is reused; a failed look-up is retried sooner. */
export const TIME_ZONE_TTL_MS = 10 * 60_000;
const TIME_ZONE_RETRY_MS = 60_000;

/** The part of users.info we read: an IANA zone the runtime knows (Slack sends e.g. "America/Chicago"). */
const UserTimeZone = z.object({
  user: z.object({
    tz: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      })
      .optional(),
  }),
});

/** Slack message-metadata event type under which posts carry their idempotency key. */
const MESSAGE_KEY_EVENT = 'opsbot_message';

/**
 * Output too long for one Slack message: a post continues in up to this many thread replies, beyond
 * that its full text goes into a file in the thread. Ephemeral answers and response_url answers (5
 * uses per URL, shared with the job's other answers) cannot go into files: past their limit they are cut.
 */
const MAX_THREAD_PARTS = 5;
/** The file a too-long post's whole output goes into. */
const OUTPUT_FILE = 'opsbot-output.txt';
const MAX_EPHEMERAL_PARTS = 3;
const MAX_RESPONSE_PARTS = 2;

/** Lines of `parts` as plain text, to say how much was left out. */
function lineCount(parts: MessagePart[]): number {
  return parts.reduce((n, p) => n + messageAsText(p).trimEnd().split('\n').length, 0);
}

/** The first `max` parts, the last of them saying how much did not fit. */
function keepFirst(parts: MessagePart[], max: number): MessagePart[] {
  if (parts.length <= max) return parts;
  const left = lineCount(parts.slice(max));
  const kept = parts.slice(0, max);
  kept[max - 1] = withNotice(
    kept[max - 1]!,
    `… ${left} more line${left === 1 ? '' : 's'} not shown: too long for Slack.`,
  );
  return kept;
}

/** The Chat port over Slack's Web API; every message leaves through `cleanOutgoing`. */
export class SlackChat implements Chat {
  private readonly fetchFn: typeof fetch;
  private readonly scrub: Scrub;
  private readonly logger: Pick<Logger, 'debug'> | undefined;
  private readonly clock: Clock;
  private readonly timeZones = new Map<string, { tz: string | undefined; until: number }>();

  constructor(
    private readonly client: WebClient,
    opts: SlackChatOptions = {},
  ) {
    this.fetchFn = opts.fetchFn ?? fetch;
    this.scrub = opts.scrub ?? createSecretScrubber([]);
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Posts a message; one too long for Slack is split: the first part (with the message's buttons) is
   * the message, the rest follow in its thread, or, when that would be more than MAX_THREAD_PARTS
   * messages, the whole output goes into the thread as a text file.
   */
  async post(original: ChatMessage): Promise<PostedMessage> {
    const message = cleanOutgoing(original, this.scrub);
    const parts = splitMessage({ text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    const asFile = parts.length > MAX_THREAD_PARTS;
    const where = message.threadTs ? 'below' : 'in the thread';
    const first =
      parts.length === 1
        ? parts[0]!
        : withNotice(
            parts[0]!,
            asFile
              ? `Too long for Slack messages: the whole output is in the file ${where}.`
              : `Continued ${where} (${parts.length - 1} more message${parts.length === 2 ? '' : 's'}).`,
          );
    const res = await this.client.chat.postMessage({
      channel: message.channel,
      text: first.text,
      ...(first.blocks ? { blocks: first.blocks as never } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(original.key
        ? { metadata: { event_type: MESSAGE_KEY_EVENT, event_payload: { key: original.key } } }
        : {}),
      unfurl_links: false,
    });
    const posted = { channel: res.channel ?? message.channel, ts: res.ts ?? '' };
    if (parts.length > 1)
      await this.postRest(original, parts.slice(1), asFile, message.threadTs ?? posted.ts, posted, new Set());
    return posted;
  }

  /**
   * A keyed post found again after a crash: posts whichever of its continuation parts (or its file) the
   * thread lacks, so a crash between the parts of a long message loses none of them and doubles none.
   */
  async completePost(original: ChatMessage, first: PostedMessage): Promise<void> {
    if (!original.key) return;
    const message = cleanOutgoing(original, this.scrub);
    const parts = splitMessage({ text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    if (parts.length === 1) return;
    const threadTs = message.threadTs ?? first.ts;
    const res = await this.client.conversations.replies({
      channel: first.channel,
      ts: threadTs,
      include_all_metadata: true,
      limit: 200,
    });
    const present = new Set<string>();
    for (const m of res.messages ?? []) {
      const meta = m.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
      if (meta?.event_type === MESSAGE_KEY_EVENT && typeof meta.event_payload?.key === 'string')
        present.add(meta.event_payload.key);
      if ((m.files ?? []).some((f) => f.name === OUTPUT_FILE && m.ts && Number(m.ts) >= Number(first.ts)))
        present.add(OUTPUT_FILE);
    }
    const asFile = parts.length > MAX_THREAD_PARTS;
    await this.postRest(original, parts.slice(1), asFile, threadTs, first, present);
  }

  /** The parts of a long post after the first: thread replies, or the whole output as a text file. */
  private async postRest(
    original: ChatMessage,
    rest: MessagePart[],
    asFile: boolean,
    threadTs: string,
    posted: PostedMessage,
    present: ReadonlySet<string>,
  ): Promise<void> {
    if (asFile) {
      if (present.has(OUTPUT_FILE)) return;
      const full = messageAsText({
        text: original.text,
        ...(original.blocks ? { blocks: original.blocks } : {}),
      });
      await this.uploadFile({
        channel: posted.channel,
        threadTs,
        filename: OUTPUT_FILE,
        title: clampTitle(original.text),
        content: new TextEncoder().encode(this.scrub(full)),
      });
      return;
    }
    for (const [i, part] of rest.entries()) {
      // Each continuation carries its own key (the message's, numbered), for completePost to find.
      const key = original.key ? `${original.key}#${i + 2}` : undefined;
      if (key && present.has(key)) continue;
      await this.client.chat.postMessage({
        channel: posted.channel,
        thread_ts: threadTs,
        text: part.text,
        ...(part.blocks ? { blocks: part.blocks as never } : {}),
        ...(key ? { metadata: { event_type: MESSAGE_KEY_EVENT, event_payload: { key } } } : {}),
        unfurl_links: false,
      });
    }
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

  /** Edits a message; what does not fit in one Slack message is left out, and the message says so. */
  async update(target: PostedMessage, original: { text: string; blocks?: Blocks }): Promise<void> {
    const message = cleanOutgoing(original, this.scrub);
    const [part] = keepFirst(splitMessage(message), 1);
    await this.client.chat.update({
      channel: target.channel,
      ts: target.ts,
      text: part!.text,
      ...(part!.blocks ? { blocks: part!.blocks as never } : {}),
    });
  }

  /** Answers one user; a long answer comes as a few ephemeral messages in a row, then is cut. */
  async postEphemeral(original: ChatMessage & { user: string }): Promise<void> {
    const message = cleanOutgoing(original, this.scrub);
    for (const part of keepFirst(splitMessage(message), MAX_EPHEMERAL_PARTS))
      await this.client.chat.postEphemeral({
        channel: message.channel,
        user: message.user,
        text: part.text,
        ...(part.blocks ? { blocks: part.blocks as never } : {}),
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
    // A long answer takes a use of the URL per part (5 in all, shared with the job's other answers).
    const parts = keepFirst(splitMessage(message), MAX_RESPONSE_PARTS);
    for (const [i, part] of parts.entries()) {
      const res = await this.fetchFn(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: part.text,
          blocks: part.blocks,
          response_type: message.ephemeral === false ? 'in_channel' : 'ephemeral',
          replace_original: i === 0 ? (message.replaceOriginal ?? false) : false,
          thread_ts: message.threadTs,
        }),
      });
      // The URL itself is a credential for 30 minutes: never put it in the error.
      if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
    }
  }

  async publishHome(userId: string, original: Blocks): Promise<void> {
    const { blocks } = cleanOutgoing({ blocks: original }, this.scrub);
    await this.client.views.publish({ user_id: userId, view: { type: 'home', blocks: blocks as never } });
  }

  /**
   * files.uploadV2: WebClient asks for an upload URL, POSTs the bytes to the `upload_url` Slack
   * returns, then completes the upload into the channel or thread. Every text the file carries is
   * scrubbed like a message; the comment is mrkdwn, so it is also neutralized.
   */
  async uploadFile(file: ChatFile): Promise<{ fileId: string }> {
    const content = {
      file: Buffer.from(file.content),
      filename: this.scrub(file.filename),
      title: this.scrub(file.title),
      ...(file.altText !== undefined ? { alt_text: this.scrub(file.altText) } : {}),
      ...(file.initialComment !== undefined
        ? { initial_comment: this.scrub(neutralizeMarkup(file.initialComment)) }
        : {}),
    };
    // Two calls, not one with an optional thread_ts: the argument types tell the two destinations apart.
    const res = file.threadTs
      ? await this.client.files.uploadV2({ channel_id: file.channel, thread_ts: file.threadTs, ...content })
      : await this.client.files.uploadV2({ channel_id: file.channel, ...content });
    const completions = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
    const fileId = completions[0]?.files?.[0]?.id;
    if (!fileId) throw new Error('files.uploadV2 returned no file id');
    return { fileId };
  }

  /** users.info's `tz`, cached per user; undefined (the caller's default zone) when Slack cannot say. */
  async userTimeZone(userId: string): Promise<string | undefined> {
    const now = this.clock.now();
    const cached = this.timeZones.get(userId);
    if (cached && cached.until > now) return cached.tz;
    try {
      const parsed = UserTimeZone.safeParse(await this.client.users.info({ user: userId }));
      const tz = parsed.success ? parsed.data.user.tz : undefined;
      if (!parsed.success) this.logger?.debug({ userId }, 'users.info gave no usable time zone');
      this.timeZones.set(userId, { tz, until: now + (tz ? TIME_ZONE_TTL_MS : TIME_ZONE_RETRY_MS) });
      return tz;
    } catch (err) {
      this.logger?.debug({ userId, err: (err as Error).message }, 'users.info failed; no time zone');
      this.timeZones.set(userId, { tz: undefined, until: now + TIME_ZONE_RETRY_MS });
      return undefined;
    }
  }
}

/** A file title from a message's text: its first line, short. */
function clampTitle(text: string): string {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length === 0 ? 'opsbot output' : line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
