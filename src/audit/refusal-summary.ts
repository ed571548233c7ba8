import type { Clock } from '../ports/clock.js';
import { type Logger, silentLogger } from '../queue/logger.js';
import type { AuditLog } from './audit-log.js';

export interface Refusal {
  reason: string;
  remoteAddress: string | undefined;
}

export interface RefusalSummaryOptions {
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** Length of a summary window (default a minute). */
  intervalMs?: number;
  log?: Logger;
}

interface Window {
  counts: Map<string, number>;
  total: number;
  /** Refusals not written one by one: what the window's summary is for. */
  unsampled: number;
  lastAddress: string | undefined;
  timer: NodeJS.Timeout;
}

/**
 * Requests refused before authentication cost the sender nothing, so they must cost the audit trail
 * little. The first refusal of each reason is recorded at once (a lone probe shows up with its
 * address); after that, refusals are only counted, and each window that had any ends with one
 * summary entry. A sustained flood therefore writes one entry a minute, whatever its rate.
 */
export class RefusalSummary {
  private window: Window | undefined;
  /** Reasons already recorded one by one; forgotten after a window with no refusals at all. */
  private sampled = new Set<string>();
  private readonly intervalMs: number;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly opts: RefusalSummaryOptions) {
    this.intervalMs = opts.intervalMs ?? 60_000;
  }

  record(refusal: Refusal): void {
    const w = this.window ?? this.open();
    w.total += 1;
    w.counts.set(refusal.reason, (w.counts.get(refusal.reason) ?? 0) + 1);
    w.lastAddress = refusal.remoteAddress;
    if (this.sampled.has(refusal.reason)) {
      w.unsampled += 1;
      return;
    }
    this.sampled.add(refusal.reason);
    this.write(
      `${refusal.reason} from ${refusal.remoteAddress ?? '?'}; repeats are counted and summarised every ${span(this.intervalMs)}`,
    );
  }

  /** True once a whole window has passed without a refusal: the next one will be recorded at once. */
  isQuiet(): boolean {
    return this.window === undefined && this.sampled.size === 0;
  }

  /** Writes the open window's summary now and waits for every entry to be stored. */
  async close(): Promise<void> {
    const w = this.window;
    if (w) {
      clearTimeout(w.timer);
      this.window = undefined;
      this.summarise(w);
    }
    await Promise.allSettled([...this.pending]);
  }

  private open(): Window {
    const timer = setTimeout(() => this.rollOver(), this.intervalMs);
    timer.unref();
    const w: Window = { counts: new Map(), total: 0, unsampled: 0, lastAddress: undefined, timer };
    this.window = w;
    return w;
  }

  private rollOver(): void {
    const w = this.window;
    if (!w) return;
    this.window = undefined;
    if (w.total === 0) {
      // A quiet window: the next probe is news again.
      this.sampled.clear();
      return;
    }
    this.summarise(w);
    // Keep counting while the refusals go on, so the quiet window that ends them is noticed too.
    this.open();
  }

  private summarise(w: Window): void {
    if (w.unsampled === 0) return;
    const byReason = [...w.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    const detail = `${w.total} requests refused before authentication in the last ${span(this.intervalMs)}: ${byReason}; latest from ${w.lastAddress ?? '?'}`;
    (this.opts.log ?? silentLogger).warn(
      { refused: w.total, byReason },
      'requests refused before authentication',
    );
    this.write(detail);
  }

  private write(detail: string): void {
    const stored = this.opts.audit
      .append({
        at: this.opts.clock.now(),
        actor: 'unknown',
        action: 'request.verify',
        outcome: 'denied',
        detail,
      })
      .catch((err: unknown) => (this.opts.log ?? silentLogger).warn({ err }, 'audit append failed'))
      .finally(() => this.pending.delete(stored));
    this.pending.add(stored);
  }
}

function span(ms: number): string {
  if (ms === 60_000) return 'minute';
  return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${ms / 1000} s`;
}
