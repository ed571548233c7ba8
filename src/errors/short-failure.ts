import { TransientError } from './transient-error.js';
import { UserError } from './user-error.js';

const TRY_LATER = 'temporary, try again shortly';

/**
 * A failure as a few words for a status line: the class of a transient error (its message can be
 * long, name internal hosts or quote a remote server), a UserError's own text, otherwise nothing raw.
 */
export function shortFailure(err: unknown): string {
  if (err instanceof TransientError) {
    switch (err.kind) {
      case 'timeout':
        return 'unreachable (timeout)';
      case 'unreachable':
        return 'unreachable (no connection)';
      case 'rate-limited':
        return `rate limited — ${TRY_LATER}`;
      case 'server-error':
        return `API error ${err.status ?? '5xx'} — ${TRY_LATER}`;
      default:
        return `temporary failure — ${TRY_LATER}`;
    }
  }
  // UserErrors are written to be shown; clipped, since a status line is not the place for a paragraph.
  if (err instanceof UserError)
    return err.message.length > 160 ? `${err.message.slice(0, 159)}…` : err.message;
  return 'failed (details in the logs)';
}
