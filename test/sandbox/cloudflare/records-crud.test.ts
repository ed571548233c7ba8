import { BadRequestError, NotFoundError } from 'cloudflare';
import type { RecordResponse } from 'cloudflare/resources/dns/records';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiError, firstError, startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
beforeEach(() => t.sandbox.control.reset());
afterAll(() => t.sandbox.close());

const controlElb = 'ai-coder-control-7f3a9c1e2b4d5f60.elb.us-east-2.amazonaws.com';

async function all(list: AsyncIterable<RecordResponse>): Promise<RecordResponse[]> {
  const out: RecordResponse[] = [];
  for await (const r of list) out.push(r);
  return out;
}

describe('cloudflare sandbox: listing DNS records', () => {
  it('lists the seeded inventory records in the API shape', async () => {
    const records = await all(t.client().dns.records.list({ zone_id: t.zoneId }));
    expect(records).toHaveLength(6);
    const apex = records.find((r) => r.name === zoneName)!;
    expect(apex).toMatchObject({
      type: 'CNAME',
      content: controlElb,
      proxied: false,
      proxiable: true,
      ttl: 300,
    });
    expect(apex.id).toMatch(/^[0-9a-f]{32}$/);
    expect(apex).toHaveProperty('created_on');
    expect(apex).toHaveProperty('meta');
  });

  it('filters by name.exact and type as the SDK sends them', async () => {
    const client = t.client();
    const hits = await all(
      client.dns.records.list({ zone_id: t.zoneId, name: { exact: '*.ai.coder.com' }, type: 'CNAME' }),
    );
    expect(hits.map((r) => r.name)).toEqual(['*.ai.coder.com']);
    const none = await all(
      client.dns.records.list({ zone_id: t.zoneId, name: { exact: zoneName }, type: 'A' }),
    );
    expect(none).toEqual([]);
    const proxies = await all(
      client.dns.records.list({ zone_id: t.zoneId, name: { endswith: 'proxy.ai.coder.com' } }),
    );
    expect(proxies).toHaveLength(4);
    const either = await all(
      client.dns.records.list({
        zone_id: t.zoneId,
        match: 'any',
        name: { exact: zoneName },
        content: { contains: 'london' },
      }),
    );
    expect(either).toHaveLength(3);
  });

  it('pages through more than one page with for await and stops at the empty page', async () => {
    for (let i = 0; i < 12; i++)
      t.sandbox.control.setRecord(zoneName, `host-${i}`, 'A', { content: `192.0.2.${i + 1}` });
    const before = t.sandbox.control.requestCount();
    const names = (await all(t.client().dns.records.list({ zone_id: t.zoneId, type: 'A', per_page: 5 }))).map(
      (r) => r.name,
    );
    expect(names).toHaveLength(12);
    expect(new Set(names).size).toBe(12);
    // 3 pages with items + 1 empty page that ends the iteration.
    expect(t.sandbox.control.requestCount() - before).toBe(4);
    const page = await t.client().dns.records.list({ zone_id: t.zoneId, type: 'A', per_page: 5, page: 3 });
    expect(page.result_info).toMatchObject({
      page: 3,
      per_page: 5,
      count: 2,
      total_count: 12,
      total_pages: 3,
    });
  });
});

describe('cloudflare sandbox: changing DNS records', () => {
  it('creates a record, expanding a relative name, with timestamps from the injected clock', async () => {
    t.clock.advance(86_400_000);
    const created = await t.client().dns.records.create({
      zone_id: t.zoneId,
      name: 'litellm',
      type: 'A',
      content: '203.0.113.10',
      ttl: 120,
      comment: 'workshop',
    });
    expect(created).toMatchObject({
      name: 'litellm.ai.coder.com',
      content: '203.0.113.10',
      ttl: 120,
      proxied: false,
    });
    expect(Date.parse(created.created_on)).toBeGreaterThan(Date.now() + 86_000_000);
    const fetched = await t.client().dns.records.get(created.id, { zone_id: t.zoneId });
    expect(fetched).toEqual(created);
  });

  it('overwrites with PUT (omitted fields reset) and merges with PATCH', async () => {
    const client = t.client();
    const r = await client.dns.records.create({
      zone_id: t.zoneId,
      name: 'api',
      type: 'A',
      content: '203.0.113.20',
      ttl: 300,
      comment: 'keep?',
    });
    t.clock.advance(60_000);
    const edited = await client.dns.records.edit(r.id, {
      zone_id: t.zoneId,
      name: 'api',
      type: 'A',
      ttl: 600,
    });
    expect(edited).toMatchObject({ content: '203.0.113.20', ttl: 600, comment: 'keep?' });
    expect(edited.created_on).toBe(r.created_on);
    expect(Date.parse(edited.modified_on)).toBeGreaterThan(Date.parse(r.modified_on));
    const put = await client.dns.records.update(r.id, {
      zone_id: t.zoneId,
      name: 'api.ai.coder.com',
      type: 'A',
      content: '203.0.113.21',
      ttl: 1,
    });
    expect(put).toMatchObject({ id: r.id, content: '203.0.113.21', ttl: 1, comment: null });
  });

  it('reports proxied records with TTL 1 (automatic) whatever TTL was sent', async () => {
    const r = await t.client().dns.records.create({
      zone_id: t.zoneId,
      name: 'docs',
      type: 'CNAME',
      content: 'coder.github.io',
      proxied: true,
      ttl: 3600,
    });
    expect(r).toMatchObject({ proxied: true, ttl: 1 });
  });

  it('deletes a record; afterwards it does not exist (81044)', async () => {
    const client = t.client();
    const [target] = await all(
      client.dns.records.list({ zone_id: t.zoneId, name: { exact: 'emea-proxy.ai.coder.com' } }),
    );
    expect(await client.dns.records.delete(target!.id, { zone_id: t.zoneId })).toEqual({ id: target!.id });
    const err = await apiError(client.dns.records.get(target!.id, { zone_id: t.zoneId }), NotFoundError);
    expect(firstError(err)).toEqual({ code: 81044, message: 'Record does not exist.' });
    expect(t.sandbox.control.records(zoneName).some((r) => r.name === 'emea-proxy.ai.coder.com')).toBe(false);
  });

  it('answers a malformed record id with 7003 and an unknown one with 81044', async () => {
    const client = t.client();
    const bad = await apiError(client.dns.records.get('12345', { zone_id: t.zoneId }), BadRequestError);
    expect(firstError(bad).code).toBe(7003);
    const missing = '00000000000000000000000000000000';
    const gone = await apiError(
      client.dns.records.edit(missing, { zone_id: t.zoneId, name: 'x', type: 'A', ttl: 1 }),
      NotFoundError,
    );
    expect(firstError(gone).code).toBe(81044);
  });
});
