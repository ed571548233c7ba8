import type { JobsOptions } from 'bullmq';

/** One BullMQ queue carries every opsbot job; the job name picks the definition. */
export const DEFAULT_QUEUE_NAME = 'ops';

/** Name of our custom backoff strategy (see error-policy.ts). */
export const BACKOFF_TYPE = 'ops';

/** Key in stored job data telling which enqueue call created the job; stripped before `process`. */
export const ENQUEUE_TOKEN = '_enqueueToken';

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1_000;

/**
 * Completed jobs stay an hour (at most 1000) so a duplicate jobId from a Slack retry (≤ ~6 min later)
 * is still recognised; failed ones a day, for `/ops job <id>`.
 */
export function jobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: BACKOFF_TYPE, delay: backoffMs },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 86400 },
    // Only our own sanitized errors reach BullMQ, but keep the stored trace short anyway.
    stackTraceLimit: 1,
  };
}
