import { AuthenticationError, BadRequestError, PermissionDeniedError } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, firstError, startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.sandbox.close());

describe('cloudflare sandbox: authentication', () => {
  it('verifies the configured token like /user/tokens/verify does', async () => {
    const result = await t.client().user.tokens.verify();
    expect(result.status).toBe('active');
    expect(result.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rejects a well-formed unknown token with 403 / 10000 Authentication error', async () => {
    const other = t.client({ apiToken: 'x'.repeat(40) });
    const err = await apiError(other.zones.list(), PermissionDeniedError);
    expect(err.status).toBe(403);
    expect(firstError(err)).toEqual({ code: 10000, message: 'Authentication error' });
  });

  it('answers the verify endpoint for an unknown token with 401 / 1000 Invalid API Token', async () => {
    const err = await apiError(
      t.client({ apiToken: 'y'.repeat(40) }).user.tokens.verify(),
      AuthenticationError,
    );
    expect(firstError(err)).toEqual({ code: 1000, message: 'Invalid API Token' });
  });

  it('rejects a malformed bearer token with 400 / 6003 and 6111 in the error chain', async () => {
    const err = await apiError(t.client({ apiToken: 'not a token!' }).zones.list(), BadRequestError);
    expect(firstError(err)).toEqual({ code: 6003, message: 'Invalid request headers', chain: 6111 });
  });

  it('rejects a request without credentials with 9106', async () => {
    const res = await fetch(`${t.sandbox.baseUrl}/zones`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { success: boolean; errors: { code: number }[]; result: unknown };
    expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 9106 }] });
  });

  it('does not echo the token in any error', async () => {
    const res = await fetch(`${t.sandbox.baseUrl}/zones`, {
      headers: { authorization: `Bearer ${'z'.repeat(41)}` },
    });
    expect(await res.text()).not.toContain('z'.repeat(41));
  });
});

describe('cloudflare sandbox: zones', () => {
  it('lists the inventory zone with a 32-hex id and result_info', async () => {
    const page = await t.client().zones.list();
    expect(page.result.map((z) => z.name)).toEqual([zoneName]);
    expect(page.result[0]!.id).toBe(t.zoneId);
    expect(t.zoneId).toMatch(/^[0-9a-f]{32}$/);
    expect(page.result_info).toMatchObject({
      page: 1,
      per_page: 20,
      count: 1,
      total_count: 1,
      total_pages: 1,
    });
  });

  it('filters zones by name, including operator forms', async () => {
    const client = t.client();
    expect((await client.zones.list({ name: zoneName })).result).toHaveLength(1);
    expect((await client.zones.list({ name: 'contains:coder' })).result).toHaveLength(1);
    expect((await client.zones.list({ name: 'example.com' })).result).toHaveLength(0);
  });

  it('gets a zone by id and refuses an unknown zone id with 7003', async () => {
    const zone = await t.client().zones.get({ zone_id: t.zoneId });
    expect(zone).toMatchObject({ name: zoneName, status: 'active' });
    const unknown = '0123456789abcdef0123456789abcdef';
    const err = await apiError(t.client().zones.get({ zone_id: unknown }), BadRequestError);
    expect(firstError(err)).toEqual({
      code: 7003,
      message: `Could not route to /client/v4/zones/${unknown}, perhaps your object identifier is invalid?`,
    });
  });

  it('refuses record calls under an unknown zone', async () => {
    const err = await apiError(
      t.client().dns.records.list({ zone_id: 'deadbeefdeadbeefdeadbeefdeadbeef' }),
      BadRequestError,
    );
    expect(firstError(err).code).toBe(7003);
  });
});
