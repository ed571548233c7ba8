import type { MinimalJob } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { TransientError } from '../errors/transient-error.js';
import { UserError } from '../errors/user-error.js';
import { BACKOFF_TYPE, DEFAULT_BACKOFF_MS } from './queue-defaults.js';

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * What a worker throws back to BullMQ: always a fresh error with a user-safe message, because BullMQ
 * stores the message and stack in Redis as plain text and the original may quote internals.
 */
export class RetryableJobError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'RetryableJobError';
  }
}

export interface FailureDecision {
  /** The error to hand to BullMQ. */
  rethrow: Error;
  /** Safe to show in Slack. */
  userMessage: string;
  /** No further attempt will run. */
  final: boolean;
  level: 'info' | 'warn' | 'error';
}

export function decideFailure(
  err: unknown,
  jobId: string,
  attempt: number,
  maxAttempts: number,
): FailureDecision {
  if (err instanceof UserError) {
    return {
      rethrow: new UnrecoverableError(err.userText),
      userMessage: err.userText,
      final: true,
      level: 'info',
    };
  }
  const final = attempt >= maxAttempts;
  if (err instanceof TransientError) {
    const userMessage = final
      ? `still failing after ${attempt} attempts (a temporary error); try again later, ref ${jobId}`
      : `temporary error, retrying (attempt ${attempt} of ${maxAttempts}), ref ${jobId}`;
    return {
      rethrow: new RetryableJobError(userMessage, err.retryAfterMs),
      userMessage,
      final,
      level: 'warn',
    };
  }
  const userMessage = `internal error, ref ${jobId}`;
  return { rethrow: new RetryableJobError(userMessage, undefined), userMessage, final, level: 'error' };
}

/** Exponential backoff from the job's base delay, never sooner than a Retry-After the API asked for. */
export function backoffStrategy(attemptsMade: number, type?: string, err?: Error, job?: MinimalJob): number {
  if (type !== BACKOFF_TYPE) return -1;
  const backoff = job?.opts.backoff;
  const base =
    typeof backoff === 'object' && backoff.delay !== undefined ? backoff.delay : DEFAULT_BACKOFF_MS;
  const exponential = Math.min(base * 2 ** Math.max(0, attemptsMade - 1), MAX_BACKOFF_MS);
  const floor = err instanceof RetryableJobError ? (err.retryAfterMs ?? 0) : 0;
  return Math.max(exponential, Math.min(floor, MAX_BACKOFF_MS));
}
