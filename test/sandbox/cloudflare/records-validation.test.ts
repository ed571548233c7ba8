import { BadRequestError } from 'cloudflare';
import type { RecordCreateParams } from 'cloudflare/resources/dns/records';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiError, firstError, startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
beforeEach(() => t.sandbox.control.reset());
afterAll(() => t.sandbox.close());

interface Body {
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied?: boolean;
}

async function rejected(body: Body) {
  const before = t.sandbox.control.records(zoneName);
  const err = await apiError(
    t.client().dns.records.create({ zone_id: t.zoneId, ...body } as RecordCreateParams),
    BadRequestError,
  );
  expect(t.sandbox.control.records(zoneName)).toEqual(before);
  return firstError(err);
}

describe('cloudflare sandbox: record validation', () => {
  it('A content must be an IPv4 address (9005)', async () => {
    expect(await rejected({ name: 'x', type: 'A', content: '2001:db8::1', ttl: 1 })).toEqual({
      code: 9005,
      message: 'Content for A record must be a valid IPv4 address.',
    });
  });

  it('AAAA content must be an IPv6 address (9006); valid addresses are stored canonical', async () => {
    expect((await rejected({ name: 'x', type: 'AAAA', content: '203.0.113.1', ttl: 1 })).code).toBe(9006);
    const ok = await t
      .client()
      .dns.records.create({ zone_id: t.zoneId, name: 'v6', type: 'AAAA', content: '2001:DB8:0::1', ttl: 1 });
    expect(ok.content).toBe('2001:db8::1');
  });

  it('CNAME content must be a hostname, not an IP address (1004 / 9007)', async () => {
    expect(await rejected({ name: 'x', type: 'CNAME', content: '203.0.113.1', ttl: 1 })).toEqual({
      code: 1004,
      message: 'DNS Validation Error',
      chain: 9007,
    });
  });

  it('TXT content may be any text', async () => {
    const txt = await t.client().dns.records.create({
      zone_id: t.zoneId,
      name: '_acme-challenge',
      type: 'TXT',
      content: 'v=anything goes; 1.2.3.4',
      ttl: 60,
    });
    expect(txt.content).toBe('v=anything goes; 1.2.3.4');
  });

  it('TTL must be 1 or 60–86400 (1004 / 9021)', async () => {
    for (const ttl of [0, 30, 59, 86401]) {
      expect(await rejected({ name: 'x', type: 'A', content: '203.0.113.1', ttl })).toMatchObject({
        chain: 9021,
      });
    }
  });

  it('only A, AAAA and CNAME can be proxied (1004 / 9004), and not to private addresses', async () => {
    expect(await rejected({ name: 'x', type: 'TXT', content: 'hello', ttl: 1, proxied: true })).toMatchObject(
      {
        code: 1004,
        chain: 9004,
      },
    );
    expect(
      await rejected({ name: 'x', type: 'A', content: '10.0.0.1', ttl: 1, proxied: true }),
    ).toMatchObject({
      chain: 9003,
    });
  });

  it('a CNAME cannot share a name with A/AAAA/CNAME records (81053), nor an A with a CNAME (81054)', async () => {
    expect(
      await rejected({ name: 'oregon-proxy', type: 'CNAME', content: 'elsewhere.example.net', ttl: 1 }),
    ).toEqual({
      code: 81053,
      message: 'An A, AAAA, or CNAME record with that host already exists.',
    });
    expect(await rejected({ name: 'oregon-proxy', type: 'A', content: '203.0.113.5', ttl: 1 })).toMatchObject(
      {
        code: 81054,
      },
    );
  });

  it('an identical record cannot be created twice (81058)', async () => {
    const body = { zone_id: t.zoneId, name: 'dup', type: 'TXT' as const, content: 'same', ttl: 1 };
    await t.client().dns.records.create(body);
    expect(await rejected(body)).toEqual({ code: 81058, message: 'An identical record already exists.' });
  });

  it('a name outside the zone is taken as relative to it, as the API does', async () => {
    const r = await t.client().dns.records.create({
      zone_id: t.zoneId,
      name: 'www.example.org',
      type: 'A',
      content: '203.0.113.9',
      ttl: 1,
    });
    expect(r.name).toBe('www.example.org.ai.coder.com');
  });

  it('rejects invalid names and unknown types', async () => {
    expect((await rejected({ name: 'bad name', type: 'A', content: '203.0.113.1', ttl: 1 })).chain).toBe(
      9000,
    );
    expect((await rejected({ name: 'x', type: 'BOGUS', content: 'x', ttl: 1 })).chain).toBe(9020);
  });

  it('validates the merged record on PATCH, leaving the original untouched', async () => {
    const client = t.client();
    const r = await client.dns.records.create({
      zone_id: t.zoneId,
      name: 'patchme',
      type: 'A',
      content: '203.0.113.7',
      ttl: 1,
    });
    const err = await apiError(
      client.dns.records.edit(r.id, {
        zone_id: t.zoneId,
        name: 'patchme',
        type: 'A',
        ttl: 1,
        content: 'nope',
      }),
      BadRequestError,
    );
    expect(firstError(err).code).toBe(9005);
    expect((await client.dns.records.get(r.id, { zone_id: t.zoneId })).content).toBe('203.0.113.7');
  });
});
