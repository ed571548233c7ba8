import { QueueUnavailableError } from '../queue/queue-unavailable-error.js';
import { TimeoutError } from './with-timeout.js';

export const QUEUE_DOWN =
  'The job queue is unavailable, so nothing was done. Try again in a minute; if it persists, check Redis.';

/** The enqueue was still in flight at the deadline: it may land, so saying "nothing was done" would lie. */
export const MAYBE_QUEUED =
  'The job queue answered too slowly: this may have been queued anyway. Check `/ops jobs` before trying again.';

/**
 * `down`: Redis refused or is disconnected, so nothing was queued. `maybe`: the call timed out and may still
 * land. Anything else is a bug (an internal error), not an outage.
 */
export function queueOutage(err: unknown): 'down' | 'maybe' | undefined {
  if (err instanceof QueueUnavailableError) return err.maybeQueued ? 'maybe' : 'down';
  if (err instanceof TimeoutError) return 'maybe';
  return undefined;
}
