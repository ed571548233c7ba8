import { type Logger, WebClient } from '@slack/web-api';
import { parseRetryAfter } from '../errors/parse-retry-after.js';

export interface AuditMirrorClientOptions {
  slackApiUrl?: string;
  logger?: Logger;
  fetchFn?: typeof fetch;
}

/**
 * A WebClient for the audit mirror alone. It hands a 429 straight back (the mirror paces itself and
 * must not pause the shared client the handlers use), and it turns an HTTP-date Retry-After into
 * seconds first, because WebClient reads the header with parseInt and would drop a date.
 */
export function createAuditMirrorClient(token: string | undefined, opts: AuditMirrorClientOptions = {}) {
  const base = opts.fetchFn ?? fetch;
  const fetchFn: typeof fetch = async (input, init) => {
    const res = await base(input, init);
    const header = res.headers.get('retry-after');
    if (res.status !== 429 || header === null || /^\d+$/.test(header.trim())) return res;
    const ms = parseRetryAfter(header, Date.now());
    if (ms === undefined) return res;
    const headers = new Headers(res.headers);
    headers.set('retry-after', String(Math.ceil(ms / 1000)));
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
  return new WebClient(token, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    fetch: fetchFn,
  });
}
