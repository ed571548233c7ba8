import type { JobsOptions } from 'bullmq';

/** One BullMQ queue carries every opsbot job; the job name picks the definition. */
export const DEFAULT_QUEUE_NAME = 'ops';

/** The BullMQ queue of a lane: long work gets its own, beside the default one. */
export function laneQueueName(base: string, lane: 'interactive' | 'long'): string {
  return lane === 'interactive' ? base : `${base}-long`;
}

/** Name of our custom backoff strategy (see error-policy.ts). */
export const BACKOFF_TYPE = 'ops';

/** Key in stored job data telling which enqueue call created the job; stripped before `process`. */
export const ENQUEUE_TOKEN = '_enqueueToken';

export const DEFAULT_ATTEMPTS = 3;

/**
 * How long an enqueued job id is remembered after it was added, independent of job retention: Slack
 * retries a request at once, after ~1 min and after ~5 min, so a retry finds its first delivery's job.
 */
export const DEDUP_TTL_MS = 10 * 60_000;
export const DEFAULT_BACKOFF_MS = 1_000;

/**
 * Completed jobs stay an hour (at most 1000) for `/ops jobs`; failed ones a day, for `/ops job <id>`.
 * Duplicate detection does not depend on this (see DEDUP_TTL_MS).
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
