import { InternalServerError, PermissionDeniedError, RateLimitError } from 'cloudflare';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiError, firstError, startTestSandbox, type TestSandbox } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox({ rateLimit: { requests: 5, windowMs: 60_000 } });
});
beforeEach(() => {
  t.sandbox.control.reset();
  t.faults.reset();
});
afterAll(() => t.sandbox.close());

describe('cloudflare sandbox: injected faults', () => {
  it('answers an injected 429 with retry-after and the API error body (RateLimitError)', async () => {
    t.faults.fail('cloudflare', { status: 429, count: 1, retryAfter: 7 });
    const err = await apiError(t.client({ maxRetries: 0 }).zones.list(), RateLimitError);
    expect(err.headers.get('retry-after')).toBe('7');
    expect(firstError(err).code).toBe(971);
  });

  it('lets the SDK retry past a single injected 429 and succeed', async () => {
    t.faults.fail('cloudflare', { status: 429, count: 1, retryAfter: 0 });
    const page = await t.client({ maxRetries: 2 }).zones.list();
    expect(page.result).toHaveLength(1);
    expect(t.sandbox.control.requestCount()).toBe(2);
  });

  it('answers an injected 500 in the envelope (InternalServerError)', async () => {
    t.faults.fail('cloudflare', { status: 500, count: 1 });
    const err = await apiError(t.client({ maxRetries: 0 }).user.tokens.verify(), InternalServerError);
    expect(err.error).toMatchObject({ success: false, result: null });
  });

  it('keeps DoH faults separate from the API', async () => {
    t.faults.fail('doh', { status: 503, count: 1 });
    await expect(t.client().zones.list()).resolves.toBeDefined();
    const res = await fetch(`${t.sandbox.dohUrl}?name=ai.coder.com&type=CNAME`, {
      headers: { accept: 'application/dns-json' },
    });
    expect(res.status).toBe(503);
  });
});

describe('cloudflare sandbox: rate limit', () => {
  it('blocks every call for a whole window after the limit, then recovers (injected clock)', async () => {
    const client = t.client({ maxRetries: 0 });
    for (let i = 0; i < 5; i++) await client.zones.list();
    const err = await apiError(client.zones.list(), RateLimitError);
    expect(err.headers.get('retry-after')).toBe('60');
    expect(firstError(err)).toEqual({
      code: 971,
      message: 'Please wait and consider throttling your request speed',
    });
    t.clock.advance(30_000);
    const still = await apiError(client.user.tokens.verify(), RateLimitError);
    expect(still.headers.get('retry-after')).toBe('30');
    t.clock.advance(30_000);
    await expect(client.zones.list()).resolves.toBeDefined();
  });

  it('reports the remaining quota in the Ratelimit headers', async () => {
    const res = await t.client().zones.list().asResponse();
    expect(res.headers.get('ratelimit')).toBe('"default";r=4;t=60');
    expect(res.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
  });

  it('counts requests for budget checks, including rejected ones', async () => {
    const client = t.client({ maxRetries: 0 });
    await client.zones.list();
    await client.dns.records.list({ zone_id: t.zoneId });
    await apiError(t.client({ apiToken: 'q'.repeat(40) }).zones.list(), PermissionDeniedError);
    expect(t.sandbox.control.requestCount()).toBe(3);
  });
});
