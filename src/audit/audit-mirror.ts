import { parseRetryAfter } from '../errors/parse-retry-after.js';
import type { Chat } from '../ports/chat.js';
import { type Logger, silentLogger } from '../queue/logger.js';

export interface AuditMirrorOptions {
  chat: Pick<Chat, 'post'>;
  channel: string;
  /** Messages sent back to back before pacing starts (Slack tolerates short bursts). */
  burst?: number;
  /** Then one message per this many ms: Slack allows about one message per second per channel. */
  intervalMs?: number;
  /** Lines are joined into one message up to this length when a backlog builds. */
  maxChars?: number;
  log?: Logger;
}

/** Slack truncates message text past 40 000 characters; a lone huge line is cut below that. */
const SLACK_TEXT_LIMIT = 39_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Posts audit lines to one channel in order, paced and batched, and never drops one: a line leaves
 * the queue only once Slack has taken it. A 429's Retry-After (seconds or an HTTP date) is honoured;
 * other failures back off exponentially. Callers never wait for Slack.
 */
export class AuditMirror {
  private readonly lines: string[] = [];
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly maxChars: number;
  private readonly log: Logger;
  private tokens: number;
  private refilledAt = Date.now();
  private blockedUntil = 0;
  private failures = 0;
  private running = false;
  private stopped = false;
  private wakeSleeper: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: AuditMirrorOptions) {
    this.burst = opts.burst ?? 3;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxChars = opts.maxChars ?? 3500;
    this.log = opts.log ?? silentLogger;
    this.tokens = this.burst;
  }

  push(line: string): void {
    if (this.stopped) return;
    this.lines.push(line);
    if (!this.running) void this.run();
  }

  /** Lines waiting for Slack, including the batch being posted. */
  backlog(): number {
    return this.lines.length;
  }

  /** Resolves true once everything queued has been posted, false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.lines.length === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Drains for up to `timeoutMs`, then stops; returns how many lines were left unposted. */
  async close(timeoutMs: number): Promise<number> {
    await this.drain(timeoutMs);
    this.stopped = true;
    this.wakeSleeper?.();
    const left = this.lines.length;
    if (left > 0)
      this.log.warn(
        { left, channel: this.opts.channel },
        'audit lines not mirrored at shutdown (they are in the audit stream)',
      );
    return left;
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.lines.length > 0 && !this.stopped) {
      for (let wait = this.waitMs(); wait > 0 && !this.stopped; wait = this.waitMs()) await this.sleep(wait);
      if (this.stopped) break;
      this.tokens -= 1;
      const { text, count } = this.nextBatch();
      try {
        await this.opts.chat.post({ channel: this.opts.channel, text });
        this.lines.splice(0, count);
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        const now = Date.now();
        const backoff = Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** (this.failures - 1));
        const waitMs = retryAfterOf(err, now) ?? backoff;
        this.blockedUntil = now + waitMs;
        // After the wait, one post, then the normal pace (not a fresh burst into the same limit).
        this.tokens = 1;
        this.refilledAt = this.blockedUntil;
        // One warning per streak: a long Slack outage must not flood the logs either.
        this.log[this.failures === 1 ? 'warn' : 'debug'](
          { err, waitMs, backlog: this.lines.length },
          'audit mirror post failed; retrying',
        );
      }
    }
    this.running = false;
    if (this.lines.length === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Token bucket: `burst` posts at once, then one per interval; never before a Retry-After ends. */
  private waitMs(): number {
    const now = Date.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + elapsed / this.intervalMs);
    this.refilledAt = Math.max(this.refilledAt, now);
    const forToken = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.intervalMs);
    return Math.max(forToken, this.blockedUntil - now, 0);
  }

  private nextBatch(): { text: string; count: number } {
    const first = this.lines[0]!;
    if (first.length >= this.maxChars) return { text: first.slice(0, SLACK_TEXT_LIMIT), count: 1 };
    let text = first;
    let count = 1;
    for (const line of this.lines.slice(1)) {
      if (text.length + 1 + line.length > this.maxChars) break;
      text += `\n${line}`;
      count += 1;
    }
    return { text, count };
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      // Nothing else keeps the process alive for the mirror's sake; close() drains deliberately.
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = done;
    });
  }
}

/**
 * The wait a failed post asks for: WebClient's rate-limit error carries `retryAfter` in seconds,
 * its HTTP errors carry the response headers.
 */
export function retryAfterOf(err: unknown, now: number): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { retryAfter?: unknown; headers?: unknown };
  if (typeof e.retryAfter === 'number' || typeof e.retryAfter === 'string')
    return parseRetryAfter(e.retryAfter, now);
  if (e.headers instanceof Headers) return parseRetryAfter(e.headers.get('retry-after'), now);
  if (typeof e.headers === 'object' && e.headers !== null) {
    const value = (e.headers as Record<string, unknown>)['retry-after'];
    if (typeof value === 'string') return parseRetryAfter(value, now);
  }
  return undefined;
}
