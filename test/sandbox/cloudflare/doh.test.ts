import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
beforeEach(() => t.sandbox.control.reset());
afterAll(() => t.sandbox.close());

interface DnsJson {
  Status: number;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  Question: { name: string; type: number }[];
  Answer?: { name: string; type: number; TTL: number; data: string }[];
  Authority?: { type: number }[];
}

async function dig(name: string, type = 'A'): Promise<DnsJson> {
  const res = await fetch(`${t.sandbox.dohUrl}?name=${encodeURIComponent(name)}&type=${type}`, {
    headers: { accept: 'application/dns-json' },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/dns-json');
  return (await res.json()) as DnsJson;
}

const controlElb = 'ai-coder-control-7f3a9c1e2b4d5f60.elb.us-east-2.amazonaws.com';
const oregon = 'oregon-proxy.ai.coder.com';
const oregonElb = 'ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com';

describe('cloudflare sandbox: DNS over HTTPS (JSON)', () => {
  it('answers a CNAME query with the target and a trailing dot', async () => {
    const r = await dig(oregon, 'CNAME');
    expect(r).toMatchObject({
      Status: 0,
      TC: false,
      RD: true,
      RA: true,
      Question: [{ name: `${oregon}.`, type: 5 }],
    });
    expect(r.Answer).toEqual([{ name: `${oregon}.`, type: 5, TTL: 300, data: `${oregonElb}.` }]);
  });

  it('follows the CNAME for an A query down to the load balancer addresses', async () => {
    const r = await dig(oregon, 'A');
    expect(r.Answer?.[0]).toMatchObject({ type: 5, data: `${oregonElb}.` });
    const addresses = r.Answer!.slice(1);
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) {
      expect(a).toMatchObject({ name: `${oregonElb}.`, type: 1 });
      expect(a.data).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
  });

  it('flattens the apex CNAME as Cloudflare does: A answers owned by the apex, never the CNAME', async () => {
    const target = (await dig(controlElb, 'A')).Answer!;
    const apex = await dig(zoneName, 'A');
    expect(apex.Status).toBe(0);
    expect(apex.Answer).toEqual(
      target.map((a) => ({ name: 'ai.coder.com.', type: 1, TTL: 60, data: a.data })),
    );
    const cname = await dig(zoneName, 'CNAME');
    expect(cname.Status).toBe(0);
    expect(cname.Answer).toBeUndefined();
    // The load balancer has no IPv6 address, so neither has the apex (NODATA, not the CNAME).
    expect((await dig(zoneName, 'AAAA')).Answer).toBeUndefined();
    // A target inside the zone is flattened through its own CNAME chain.
    t.sandbox.control.setRecord(zoneName, zoneName, 'CNAME', { content: oregon });
    const viaOregon = (await dig(oregon, 'A')).Answer!.filter((a) => a.type === 1);
    expect((await dig(zoneName, 'A')).Answer?.map((a) => [a.name, a.data])).toEqual(
      viaOregon.map((a) => ['ai.coder.com.', a.data]),
    );
  });

  it('answers workspace subdomains from the wildcard unless an exact record exists', async () => {
    const wild = await dig('my-workspace.ai.coder.com', 'CNAME');
    expect(wild.Answer).toEqual([
      { name: 'my-workspace.ai.coder.com.', type: 5, TTL: 300, data: `${controlElb}.` },
    ]);
    const deeper = await dig('8080--main--ws--alice.oregon-proxy.ai.coder.com', 'CNAME');
    expect(deeper.Answer?.[0]?.data).toBe('ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com.');
    t.sandbox.control.setRecord(zoneName, 'my-workspace', 'A', { content: '203.0.113.77' });
    const exact = await dig('my-workspace.ai.coder.com', 'A');
    expect(exact.Answer).toEqual([
      { name: 'my-workspace.ai.coder.com.', type: 1, TTL: 300, data: '203.0.113.77' },
    ]);
  });

  it('returns NXDOMAIN (3) for a missing name and NOERROR without answers for a missing type', async () => {
    t.sandbox.control.deleteRecord(zoneName, '*.emea-proxy', 'CNAME');
    const missing = await dig('nothing.emea-proxy.ai.coder.com');
    expect(missing.Status).toBe(3);
    expect(missing.Answer).toBeUndefined();
    expect(missing.Authority?.[0]?.type).toBe(6);
    t.sandbox.control.setRecord(zoneName, 'plain', 'A', { content: '203.0.113.3' });
    const noData = await dig('plain.ai.coder.com', 'TXT');
    expect(noData.Status).toBe(0);
    expect(noData.Answer).toBeUndefined();
    // A CNAME owns its name for every type: the TXT query is answered with the alias.
    expect((await dig('emea-proxy.ai.coder.com', 'TXT')).Answer?.[0]?.type).toBe(5);
  });

  it('answers proxied records with Cloudflare anycast addresses, not the origin', async () => {
    t.sandbox.control.setRecord(zoneName, 'status', 'A', { content: '198.51.100.9', proxied: true });
    const v4 = await dig('status.ai.coder.com', 'A');
    expect(v4.Answer?.length).toBe(2);
    expect(v4.Answer?.map((a) => a.data).join(' ')).not.toContain('198.51.100.9');
    expect(v4.Answer?.[0]?.data).toMatch(/^104\.21\./);
    const v6 = await dig('status.ai.coder.com', 'AAAA');
    expect(v6.Answer?.[0]?.data).toMatch(/^2606:4700:/);
    t.sandbox.control.setRecord(zoneName, 'cdn', 'CNAME', { content: 'origin.example.net', proxied: true });
    expect((await dig('cdn.ai.coder.com', 'CNAME')).Answer).toBeUndefined();
    expect((await dig('cdn.ai.coder.com', 'A')).Answer?.every((a) => a.type === 1)).toBe(true);
  });

  it('quotes TXT data and reflects out-of-band changes at once', async () => {
    t.sandbox.control.setRecord(zoneName, '_verify', 'TXT', { content: 'token=abc' });
    expect((await dig('_verify.ai.coder.com', 'TXT')).Answer?.[0]?.data).toBe('"token=abc"');
    t.sandbox.control.setRecord(zoneName, 'oregon-proxy', 'CNAME', {
      content: 'moved.elb.us-west-2.amazonaws.com',
    });
    expect((await dig('oregon-proxy.ai.coder.com', 'CNAME')).Answer?.[0]?.data).toBe(
      'moved.elb.us-west-2.amazonaws.com.',
    );
  });

  it('refuses names outside the managed zones (SERVFAIL) and accepts numeric types', async () => {
    expect((await dig('example.org', 'A')).Status).toBe(2);
    expect((await dig(oregon, '5')).Answer?.[0]?.type).toBe(5);
  });

  it('requires the JSON media type and a name, answering 400 with an error text', async () => {
    const noAccept = await fetch(`${t.sandbox.dohUrl}?name=ai.coder.com`);
    expect(noAccept.status).toBe(400);
    const noName = await fetch(`${t.sandbox.dohUrl}?type=A`, { headers: { accept: 'application/dns-json' } });
    expect(noName.status).toBe(400);
    expect(((await noName.json()) as { error: string }).error).toMatch(/name/);
    const badFlag = await fetch(`${t.sandbox.dohUrl}?name=ai.coder.com&cd=2`, {
      headers: { accept: 'application/dns-json' },
    });
    expect(badFlag.status).toBe(400);
  });
});
