import type { Clock } from '../shared/clock.js';

/** Sliding-window limiter per key (e.g. chat.update per channel); answers Retry-After seconds when full. */
export class RateWindow {
  private hits = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records a call; returns undefined when allowed, else the seconds to wait. */
  take(key: string): number | undefined {
    const now = this.clock.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      const oldest = recent[0] ?? now;
      return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    return undefined;
  }

  reset(): void {
    this.hits.clear();
  }
}
