import { setTimeout as sleep } from 'node:timers/promises';

/** Poll intervals: start at `initialMs`, grow by half each time, never above `maxMs`. */
export interface PollPacing {
  initialMs: number;
  maxMs: number;
}

/** A monotonic deadline with backoff waits bounded by it and by an abort signal. */
export class Deadline {
  private readonly at: number;
  private nextWaitMs: number;

  constructor(
    readonly budgetMs: number,
    private readonly pacing: PollPacing,
    private readonly signal?: AbortSignal,
  ) {
    this.at = performance.now() + budgetMs;
    this.nextWaitMs = pacing.initialMs;
  }

  remainingMs(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Over: the budget is spent or the caller gave up. */
  over(): boolean {
    return this.remainingMs() === 0 || this.signal?.aborted === true;
  }

  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Waits the next backoff interval (less if the deadline comes first); false when over. */
  async wait(): Promise<boolean> {
    const ms = Math.min(this.nextWaitMs, this.remainingMs());
    this.nextWaitMs = Math.min(this.pacing.maxMs, Math.ceil(this.nextWaitMs * 1.5));
    if (ms > 0) await sleep(ms, undefined, this.signal ? { signal: this.signal } : {}).catch(() => {});
    return !this.over();
  }

  /** Start the backoff over (a new phase of waiting). */
  resetPacing(): void {
    this.nextWaitMs = this.pacing.initialMs;
  }
}
