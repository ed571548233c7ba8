/** A Web API refusal: answered as `{ ok: false, error }` (HTTP 200, or 429 for `ratelimited`). */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly messages: string[] = [],
    readonly retryAfterSec?: number,
  ) {
    super(error);
  }
}
