import { QueueUnavailableError } from '../queue/queue-unavailable-error.js';
import { TimeoutError } from './with-timeout.js';

export const QUEUE_DOWN =
  'The job queue is unavailable, so nothing was done. Try again in a minute; if it persists, check Redis.';

/** Redis down or too slow for the ack budget, as opposed to a bug (which is an internal error). */
export function isQueueOutage(err: unknown): boolean {
  return err instanceof QueueUnavailableError || err instanceof TimeoutError;
}
