import { UserError } from '../errors/user-error.js';

/** Redis (the job queue) did not answer in time; the handler shows this instead of timing out Slack's ack. */
export class QueueUnavailableError extends UserError {
  /**
   * The connection dropped after the command was sent: Redis may have run it. Only errors raised before
   * anything was written (refused, offline queue off, not ready) mean that nothing was queued.
   */
  readonly maybeQueued: boolean;

  constructor(cause?: unknown) {
    super('opsbot cannot reach its job queue right now, so nothing was started.', {
      hint: 'Try again in a minute; if it persists, check Redis.',
      cause,
    });
    this.name = 'QueueUnavailableError';
    this.maybeQueued =
      cause instanceof Error &&
      /Connection is closed|ECONNRESET|EPIPE|Command timed out/i.test(cause.message);
  }
}
