import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_NAME } from './queue-defaults.js';

export interface ScheduleSpec {
  id: string;
  job: string;
  cron: string;
  tz: string;
  /** A fixed interval in ms instead of `cron` (alert evaluations: every N seconds). */
  every?: number;
  data: unknown;
}

/**
 * Makes the queue's job schedulers equal to `schedules` (BullMQ 6 `upsertJobScheduler`): adds or
 * updates each, removes the ones no longer in the inventory. Safe to run from several schedulers.
 */
export async function syncJobSchedulers(
  connection: Redis,
  prefix: string,
  schedules: ScheduleSpec[],
): Promise<string[]> {
  const queue = new Queue(DEFAULT_QUEUE_NAME, { connection, prefix });
  try {
    for (const s of schedules)
      await queue.upsertJobScheduler(
        s.id,
        s.every !== undefined ? { every: s.every } : { pattern: s.cron, tz: s.tz },
        { name: s.job, data: s.data },
      );
    const wanted = new Set(schedules.map((s) => s.id));
    for (const existing of await queue.getJobSchedulers())
      if (existing.key && !wanted.has(existing.key)) await queue.removeJobScheduler(existing.key);
    return [...wanted];
  } finally {
    await queue.close();
  }
}
