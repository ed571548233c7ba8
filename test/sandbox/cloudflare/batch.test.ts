import { BadRequestError, NotFoundError } from 'cloudflare';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiError, firstError, startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
beforeEach(() => t.sandbox.control.reset());
afterAll(() => t.sandbox.close());

const idOf = (name: string) => t.sandbox.control.records(zoneName).find((r) => r.name === name)!.id;

describe('cloudflare sandbox: batch', () => {
  it('applies deletes, patches, puts and posts in that order as one change', async () => {
    const oregon = idOf('oregon-proxy.ai.coder.com');
    const emea = idOf('emea-proxy.ai.coder.com');
    const apex = idOf(zoneName);
    const result = await t.client().dns.records.batch({
      zone_id: t.zoneId,
      // The post reuses the deleted record's name: it only works because deletes run first.
      deletes: [{ id: oregon }],
      patches: [{ id: emea, name: 'emea-proxy.ai.coder.com', type: 'CNAME', ttl: 600 }],
      puts: [
        { id: apex, name: zoneName, type: 'CNAME', content: 'new-lb.elb.us-east-2.amazonaws.com', ttl: 1 },
      ],
      posts: [{ name: 'oregon-proxy', type: 'A', content: '203.0.113.50', ttl: 1 }],
    });
    expect(result.deletes?.map((r) => r.id)).toEqual([oregon]);
    expect(result.patches?.[0]).toMatchObject({ id: emea, ttl: 600 });
    expect(result.puts?.[0]).toMatchObject({ id: apex, content: 'new-lb.elb.us-east-2.amazonaws.com' });
    expect(result.posts?.[0]).toMatchObject({ name: 'oregon-proxy.ai.coder.com', type: 'A' });
    const records = t.sandbox.control.records(zoneName);
    expect(records.filter((r) => r.name === 'oregon-proxy.ai.coder.com').map((r) => r.type)).toEqual(['A']);
    expect(records.find((r) => r.id === emea)).toMatchObject({ ttl: 600 });
  });

  it('changes nothing when any item is invalid, and names the item', async () => {
    const before = t.sandbox.control.records(zoneName);
    const err = await apiError(
      t.client().dns.records.batch({
        zone_id: t.zoneId,
        deletes: [{ id: idOf('emea-proxy.ai.coder.com') }],
        posts: [
          { name: 'fine', type: 'A', content: '203.0.113.1', ttl: 1 },
          { name: 'broken', type: 'A', content: 'not-an-ip', ttl: 1 },
        ],
      }),
      BadRequestError,
    );
    expect(err.errors[0]).toMatchObject({ code: 9005, source: { pointer: '/posts/1' } });
    expect(t.sandbox.control.records(zoneName)).toEqual(before);
  });

  it('fails the whole batch when a delete names a record that does not exist', async () => {
    const before = t.sandbox.control.records(zoneName);
    const err = await apiError(
      t.client().dns.records.batch({
        zone_id: t.zoneId,
        deletes: [{ id: '00000000000000000000000000000000' }],
        posts: [{ name: 'fine', type: 'TXT', content: 'x', ttl: 1 }],
      }),
      NotFoundError,
    );
    expect(firstError(err).code).toBe(81044);
    expect(t.sandbox.control.records(zoneName)).toEqual(before);
  });

  it('checks conflicts against the batch as applied so far', async () => {
    const err = await apiError(
      t.client().dns.records.batch({
        zone_id: t.zoneId,
        posts: [
          { name: 'twice', type: 'CNAME', content: 'a.example.net', ttl: 1 },
          { name: 'twice', type: 'A', content: '203.0.113.2', ttl: 1 },
        ],
      }),
      BadRequestError,
    );
    expect(err.errors[0]).toMatchObject({ code: 81054, source: { pointer: '/posts/1' } });
    expect(t.sandbox.control.records(zoneName).some((r) => r.name === 'twice.ai.coder.com')).toBe(false);
  });
});
