import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.sandbox.close());

describe('cloudflare sandbox: control', () => {
  it('changes a record out of band so the API sees the new content', async () => {
    const before = t.sandbox.control.records(zoneName).find((r) => r.name === 'emea-proxy.ai.coder.com')!;
    const changed = t.sandbox.control.setRecord(zoneName, 'emea-proxy.ai.coder.com', 'CNAME', {
      content: 'hijacked.example.net',
    });
    expect(changed).toMatchObject({ id: before.id, content: 'hijacked.example.net', ttl: 300 });
    const viaApi = await t.client().dns.records.get(before.id, { zone_id: t.zoneId });
    expect(viaApi.content).toBe('hijacked.example.net');
  });

  it('creates, deletes and validates like the dashboard', () => {
    const created = t.sandbox.control.setRecord(zoneName, 'extra', 'TXT', { content: 'hello', ttl: 120 });
    expect(created).toMatchObject({ name: 'extra.ai.coder.com', type: 'TXT', ttl: 120 });
    expect(t.sandbox.control.deleteRecord(zoneName, 'extra', 'TXT')).toBe(1);
    expect(t.sandbox.control.deleteRecord(zoneName, 'extra', 'TXT')).toBe(0);
    expect(() => t.sandbox.control.setRecord(zoneName, 'bad', 'A', { content: 'not-an-ip' })).toThrow(/9005/);
    expect(() => t.sandbox.control.records('unknown.example')).toThrow(/no zone named/);
  });

  it('resets to the inventory seed with the same ids, and zone ids are stable across restarts', async () => {
    const seedIds = (await startTestSandbox()).sandbox;
    try {
      expect(seedIds.zones).toEqual(t.sandbox.zones);
      t.sandbox.control.reset();
      expect(t.sandbox.control.records(zoneName)).toEqual(seedIds.control.records(zoneName));
      expect(t.sandbox.control.requestCount()).toBe(0);
    } finally {
      await seedIds.close();
    }
  });
});
