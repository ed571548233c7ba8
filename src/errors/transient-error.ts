/**
 * A failure worth retrying: timeouts, 5xx, 429. `retryAfterMs` (from Retry-After) sets a floor
 * under the exponential backoff. The message is for logs; users only see that it kept failing.
 */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransientError';
    this.retryAfterMs = options?.retryAfterMs;
  }
}
