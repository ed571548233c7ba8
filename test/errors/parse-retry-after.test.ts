import Cloudflare from 'cloudflare';
import { describe, expect, it } from 'vitest';
import { classifyCloudflareError } from '../../src/adapters/cloudflare/classify-cloudflare-error.js';
import { parseRetryAfter } from '../../src/errors/parse-retry-after.js';
import { TransientError } from '../../src/errors/transient-error.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 3 ', 3_000],
    [7, 7_000],
    ['Sat, 01 Mar 2025 12:00:30 GMT', 30_000],
    // A date already past means "now", never a negative wait.
    ['Sat, 01 Mar 2025 11:59:00 GMT', 0],
    ['', undefined],
    ['-5', undefined],
    ['soon', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });
});

describe('Cloudflare rate limits', () => {
  const limited = (retryAfter: string) =>
    new Cloudflare.RateLimitError(429, {}, 'rate limited', new Headers({ 'retry-after': retryAfter }));

  it('waits as long as an HTTP-date Retry-After says', () => {
    const at = new Date(Date.now() + 90_000).toUTCString();
    const err = classifyCloudflareError(limited(at), 'listing records');
    expect(err).toBeInstanceOf(TransientError);
    const ms = (err as TransientError).retryAfterMs!;
    expect(ms).toBeGreaterThan(85_000);
    expect(ms).toBeLessThanOrEqual(90_000);
    expect(err.message).toMatch(/retrying in (8[6-9]|90)s/);
  });

  it('still reads seconds', () => {
    expect((classifyCloudflareError(limited('15'), 'listing records') as TransientError).retryAfterMs).toBe(
      15_000,
    );
  });
});
