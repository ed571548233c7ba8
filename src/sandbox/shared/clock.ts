import { type Clock, systemClock } from '../../ports/clock.js';

// The sandbox shares the bot's Clock port, so one OffsetClock can drive both in tests.
export type { Clock };
export { systemClock };

/** Wall-clock time plus an offset the control API can advance (`POST /_sandbox/clock/advance`). */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
