import type { Clock } from '../shared/clock.js';
import type { RecordedMessage } from './recorded-message.js';

/** A message as it currently stands in a channel (what chat.update and buttons act on). */
export interface LiveMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: Record<string, unknown>[];
  thread_ts?: string;
  /** Posted with the bot token; only those can be changed with chat.update. */
  byBot: boolean;
  /** `metadata` given to chat.postMessage ({event_type, event_payload}), returned by history reads. */
  metadata?: Record<string, unknown>;
  /** File objects of a files.completeUploadExternal share, as history reads return them. */
  files?: Record<string, unknown>[];
}

type Waiter = { pred: (m: RecordedMessage) => boolean; resolve: (m: RecordedMessage) => void };

/** The log of everything the bot produced, plus the live state of channel messages. */
export class MessageStore {
  private log: RecordedMessage[] = [];
  private live = new Map<string, LiveMessage>();
  private waiters = new Set<Waiter>();
  private lastMicros = 0;

  constructor(private readonly clock: Clock) {}

  /** A Slack-style `1732770000.000100` timestamp, strictly increasing even within one millisecond. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.clock.now()) * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  record(entry: Omit<RecordedMessage, 'seq'>): RecordedMessage {
    const message = { seq: this.log.length + 1, ...entry } as RecordedMessage;
    this.log.push(message);
    for (const waiter of this.waiters) {
      if (waiter.pred(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
    return message;
  }

  messages(): RecordedMessage[] {
    return this.log.map((m) => structuredClone(m));
  }

  setLive(message: LiveMessage): void {
    this.live.set(`${message.channel}/${message.ts}`, message);
  }

  getLive(channel: string, ts: string): LiveMessage | undefined {
    return this.live.get(`${channel}/${ts}`);
  }

  /** Messages of a channel as they stand now, newest first (conversations.history / .replies). */
  liveIn(channel: string): LiveMessage[] {
    return [...this.live.values()]
      .filter((m) => m.channel === channel)
      .sort((a, b) => Number(b.ts) - Number(a.ts));
  }

  deleteLive(channel: string, ts: string): void {
    this.live.delete(`${channel}/${ts}`);
  }

  waitFor(pred: (m: RecordedMessage) => boolean, timeoutMs = 5000): Promise<RecordedMessage> {
    const found = this.log.find(pred);
    if (found) return Promise.resolve(structuredClone(found));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(structuredClone(m));
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching Slack message within ${timeoutMs} ms (${this.log.length} recorded)`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.log = [];
    this.live.clear();
  }
}
