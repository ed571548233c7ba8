import type { Blocks, Chat, ChatFile, ChatMessage, PostedMessage } from '../../src/ports/chat.js';

export interface RecordedMessage {
  seq: number;
  /** Date.now() when recorded (fake timers move it too). */
  at: number;
  via: 'post' | 'update' | 'ephemeral' | 'respond' | 'home' | 'file';
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  text: string;
  blocks?: Blocks;
  key?: string;
  /** Uploads (`via: 'file'`): `text` is the initial comment, `ts` the file id. */
  file?: { id: string; filename: string; title: string; altText?: string; size: number; content: Uint8Array };
}

interface Button {
  action_id: string;
  value: string;
}

/** An in-memory Chat that records everything, for unit tests below the Slack layer. */
export class RecordingChat implements Chat {
  readonly log: RecordedMessage[] = [];
  private seq = 0;
  /** Make the next N calls fail, to test best-effort paths. */
  failNext = 0;
  /** What userTimeZone answers per user id (undefined for anyone else, as when Slack cannot say). */
  timeZones: Record<string, string> = {};

  constructor(opts: { timeZones?: Record<string, string> } = {}) {
    if (opts.timeZones) this.timeZones = { ...opts.timeZones };
  }

  private record(m: Omit<RecordedMessage, 'seq' | 'at'>): RecordedMessage {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('chat unavailable');
    }
    const rec = { seq: ++this.seq, at: Date.now(), ...m };
    this.log.push(rec);
    return rec;
  }

  async post(message: ChatMessage): Promise<PostedMessage> {
    const ts = `1700000000.${String(this.seq + 1).padStart(6, '0')}`;
    this.record({ via: 'post', ts, ...message });
    return { channel: message.channel, ts };
  }

  async findPosted(channel: string, threadTs: string | undefined, key: string) {
    const hit = this.log.find(
      (m) => m.via === 'post' && m.channel === channel && m.key === key && m.threadTs === threadTs,
    );
    return hit ? { channel, ts: hit.ts } : undefined;
  }

  /** Nothing to complete: this chat never splits a message. */
  async completePost(): Promise<void> {}

  async update(target: PostedMessage, message: Omit<ChatMessage, 'channel' | 'threadTs'>): Promise<void> {
    this.record({ via: 'update', channel: target.channel, ts: target.ts, ...message });
  }

  async postEphemeral(message: ChatMessage & { user: string }): Promise<void> {
    this.record({ via: 'ephemeral', ts: '', ...message });
  }

  async respond(responseUrl: string, message: { text: string; blocks?: Blocks }): Promise<void> {
    this.record({ via: 'respond', channel: responseUrl, ts: '', ...message });
  }

  async publishHome(userId: string, blocks: Blocks): Promise<void> {
    this.record({ via: 'home', channel: userId, ts: '', text: '', blocks });
  }

  /** The current state of a posted message (the last post or update for its ts). */
  current(ts: string): RecordedMessage | undefined {
    return this.log.findLast((m) => m.ts === ts && (m.via === 'post' || m.via === 'update'));
  }

  posts(): RecordedMessage[] {
    return this.log.filter((m) => m.via === 'post');
  }

  /** Buttons (action_id, value) in a message's blocks. */
  buttons(message: RecordedMessage | undefined): Button[] {
    const found: Button[] = [];
    for (const block of message?.blocks ?? []) {
      if (block.type !== 'actions') continue;
      for (const el of (block.elements as Record<string, unknown>[] | undefined) ?? [])
        if (el.type === 'button') found.push({ action_id: String(el.action_id), value: String(el.value) });
    }
    return found;
  }

  /** Resolves once a recorded message satisfies `pred` (polling; no fixed sleeps in tests). */
  async waitFor(pred: (m: RecordedMessage) => boolean, timeoutMs = 10_000): Promise<RecordedMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.log.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(`no matching message; got:\n${this.log.map((m) => `${m.via} ${m.text}`).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async uploadFile(file: ChatFile): Promise<{ fileId: string }> {
    const id = `F${String(this.seq + 1).padStart(8, '0')}`;
    this.record({
      via: 'file',
      channel: file.channel,
      ts: id,
      ...(file.threadTs !== undefined ? { threadTs: file.threadTs } : {}),
      text: file.initialComment ?? '',
      file: {
        id,
        filename: file.filename,
        title: file.title,
        ...(file.altText !== undefined ? { altText: file.altText } : {}),
        size: file.content.byteLength,
        content: file.content,
      },
    });
    return { fileId: id };
  }

  /** Uploaded files, oldest first. */
  files(): RecordedMessage[] {
    return this.log.filter((m) => m.via === 'file');
  }

  async userTimeZone(userId: string): Promise<string | undefined> {
    return this.timeZones[userId];
  }
}
