import { UserError } from '../errors/user-error.js';

/** Redis (the job queue) did not answer in time; the handler shows this instead of timing out Slack's ack. */
export class QueueUnavailableError extends UserError {
  constructor(cause?: unknown) {
    super('opsbot cannot reach its job queue right now, so nothing was started.', {
      hint: 'Try again in a minute; if it persists, check Redis.',
      cause,
    });
    this.name = 'QueueUnavailableError';
  }
}
