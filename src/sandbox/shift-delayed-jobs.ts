import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LANES } from '../queue/define-job.js';
import { DEFAULT_QUEUE_NAME, laneQueueName } from '../queue/queue-defaults.js';

/**
 * BullMQ times delayed jobs (reminders, reverts, plan expiry) with Redis' wall clock, which the
 * sandbox's simulated clock cannot move. So when the simulated clock advances by `ms`, every delayed
 * job's remaining wait shrinks by `ms` too: the ones now due are promoted (`Job.promote()`), the
 * others re-timed (`Job.changeDelay()`). Returns how many jobs were promoted.
 */
export async function shiftDelayedJobs(redis: Redis, prefix: string, ms: number): Promise<number> {
  let promoted = 0;
  for (const lane of LANES) {
    const queue = new Queue(laneQueueName(DEFAULT_QUEUE_NAME, lane), {
      connection: redis,
      prefix,
      skipWaitingForReady: true,
    });
    queue.on('error', () => {});
    try {
      const delayedKey = `${prefix}:${queue.name}:delayed`;
      for (const job of await queue.getDelayed()) {
        if (!job.id) continue;
        const score = await redis.zscore(delayedKey, job.id);
        if (score === null) continue; // it became due and moved meanwhile
        // BullMQ's delayed score is the due time in ms shifted by 12 bits (the low bits order ties).
        const remaining = Math.floor(Number(score) / 0x1000) - Date.now() - ms;
        try {
          if (remaining <= 0) {
            await job.promote();
            promoted++;
          } else await job.changeDelay(remaining);
        } catch {
          // The job left the delayed set between the read and the move: nothing left to shift.
        }
      }
    } finally {
      await queue.close();
    }
  }
  return promoted;
}

export interface ClockFollower {
  /** Resolves once the delayed jobs have caught up with every advance made so far. */
  caughtUp(): Promise<void>;
  stop(): void;
}

/**
 * Makes every advance of `clock` (the demo's `advance`, the control API's `clock/advance`) move the
 * bot's delayed jobs too, one shift at a time and in order.
 */
export function followClockWithDelayedJobs(
  clock: { advance(ms: number): void },
  redis: Redis,
  prefix: string,
  onError: (err: unknown) => void = () => {},
): ClockFollower {
  const original = clock.advance;
  let chain: Promise<void> = Promise.resolve();
  clock.advance = (ms: number) => {
    original.call(clock, ms);
    chain = chain.then(() => shiftDelayedJobs(redis, prefix, ms).then(() => {}, onError));
  };
  return {
    caughtUp: () => chain,
    stop() {
      clock.advance = original;
    },
  };
}
