import Cloudflare from 'cloudflare';
import { parseRetryAfter } from '../../errors/parse-retry-after.js';
import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';
import { untrusted } from '../../slack-text/untrusted.js';

/**
 * Turns SDK failures into the two tiers: transient (429, 5xx, timeouts → retried with backoff)
 * and user errors carrying Cloudflare's own words. Tokens never appear in the messages.
 */
export function classifyCloudflareError(err: unknown, doing: string): Error {
  if (err instanceof Cloudflare.RateLimitError) {
    // Seconds or an HTTP date; a minute when absent or unreadable.
    const retryAfterMs = parseRetryAfter(err.headers?.get?.('retry-after'), Date.now()) ?? 60_000;
    return new TransientError(
      `Cloudflare rate limit while ${doing}; retrying in ${Math.ceil(retryAfterMs / 1000)}s`,
      {
        retryAfterMs,
        kind: 'rate-limited',
        status: 429,
      },
    );
  }
  if (err instanceof Cloudflare.APIConnectionError)
    return new TransientError(`Cloudflare unreachable while ${doing}`, {
      kind: err instanceof Cloudflare.APIConnectionTimeoutError ? 'timeout' : 'unreachable',
    });
  if (err instanceof Cloudflare.InternalServerError)
    return new TransientError(`Cloudflare error ${err.status} while ${doing}`, {
      kind: 'server-error',
      status: err.status,
    });
  if (err instanceof Cloudflare.AuthenticationError || err instanceof Cloudflare.PermissionDeniedError)
    return new UserError(
      `Cloudflare refused opsbot's API token while ${doing} (${cloudflareMessages(err)}). Check CLOUDFLARE_API_TOKEN and its Zone:DNS permissions.`,
    );
  if (err instanceof Cloudflare.APIError)
    return new UserError(`Cloudflare rejected ${doing}: ${cloudflareMessages(err)}`);
  if (err instanceof Error && /not in this Cloudflare account/.test(err.message))
    return new UserError(err.message);
  return err instanceof Error ? err : new Error(String(err));
}

function cloudflareMessages(err: InstanceType<typeof Cloudflare.APIError>): string {
  const errors = (err.errors ?? []) as { code?: number; message?: string }[];
  const text = errors.map((e) => `${e.message ?? 'error'}${e.code ? ` (code ${e.code})` : ''}`).join('; ');
  // Cloudflare's words may quote record content: shown to users, so never markup.
  return text ? untrusted(text) : `HTTP ${err.status}`;
}
