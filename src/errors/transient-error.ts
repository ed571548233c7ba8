/** What went wrong, as a class the user can be told without the raw (possibly long or internal) message. */
export type TransientKind = 'timeout' | 'unreachable' | 'rate-limited' | 'server-error';

/**
 * A failure worth retrying: timeouts, 5xx, 429. `retryAfterMs` (from Retry-After) sets a floor
 * under the exponential backoff. The message is for logs; users only see that it kept failing.
 */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined;
  readonly kind: TransientKind | undefined;
  /** The HTTP status, when the remote end answered at all. */
  readonly status: number | undefined;

  constructor(
    message: string,
    options?: { retryAfterMs?: number; cause?: unknown; kind?: TransientKind; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransientError';
    this.retryAfterMs = options?.retryAfterMs;
    this.kind = options?.kind;
    this.status = options?.status;
  }
}
