import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox, zoneName } from './start-test-sandbox.js';

// RFC 8484 wire format, driven by an independent DNS codec (dns-packet) and by curl.
const run = promisify(execFile);
let t: TestSandbox;
let dir: string;
beforeAll(async () => {
  t = await startTestSandbox();
  dir = await mkdtemp(join(tmpdir(), 'opsbot-doh-'));
});
beforeEach(() => t.sandbox.control.reset());
afterAll(async () => {
  await t.sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

const oregon = 'oregon-proxy.ai.coder.com';
const oregonElb = 'ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com';

/** A record as dns-packet decodes it (its typings leave out `rcode` and make every record a union). */
type Rec = { name: string; type: string; ttl?: number; data?: unknown };
type Decoded = Omit<dnsPacket.DecodedPacket, 'answers' | 'authorities' | 'additionals'> & {
  rcode: string;
  answers: Rec[];
  authorities: Rec[];
  additionals: Rec[];
};
const decode = (buf: Buffer) => dnsPacket.decode(buf) as Decoded;

function query(name: string, type: dnsPacket.RecordType, opts: { id?: number; edns?: boolean } = {}): Buffer {
  const opt = {
    type: 'OPT' as const,
    name: '.',
    udpPayloadSize: 4096,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
  return dnsPacket.encode({
    type: 'query',
    id: opts.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
    ...(opts.edns ? { additionals: [opt] } : {}),
  });
}

async function answerOf(res: Response): Promise<Decoded> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/dns-message');
  return decode(Buffer.from(await res.arrayBuffer()));
}

const get = (message: Buffer) =>
  fetch(`${t.sandbox.dohUrl}?dns=${message.toString('base64url')}`, {
    headers: { accept: 'application/dns-message' },
  });
const post = (message: Buffer, type = 'application/dns-message') =>
  fetch(t.sandbox.dohUrl, { method: 'POST', headers: { 'content-type': type }, body: message });

/** The JSON API's answer for the same question, as [name, type, TTL, data]. */
async function jsonAnswer(name: string, type: string): Promise<{ status: number; rows: unknown[][] }> {
  const res = await fetch(`${t.sandbox.dohUrl}?name=${name}&type=${type}`, {
    headers: { accept: 'application/dns-json' },
  });
  const body = (await res.json()) as {
    Status: number;
    Answer?: { name: string; type: number; TTL: number; data: string }[];
  };
  return { status: body.Status, rows: (body.Answer ?? []).map((a) => [a.name, a.type, a.TTL, a.data]) };
}

/** A decoded wire answer in the JSON API's presentation form. */
function presentation(a: Rec): unknown[] {
  const type = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, CAA: 257 }[a.type as string];
  let data: string;
  const d = a.data;
  if (a.type === 'SOA') {
    const s = d as dnsPacket.SoaData;
    data = `${s.mname}. ${s.rname}. ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
  } else if (a.type === 'TXT') data = (d as Buffer[]).map((b) => `"${b.toString()}"`).join(' ');
  else if (a.type === 'MX') {
    const mx = d as { preference: number; exchange: string };
    data = `${mx.preference} ${mx.exchange}.`;
  } else if (a.type === 'CNAME' || a.type === 'NS') data = `${d as string}.`;
  else data = String(d);
  return [`${a.name}.`, type, a.ttl, data];
}

describe('cloudflare sandbox: DNS over HTTPS (RFC 8484 wire format)', () => {
  it('answers GET ?dns= (base64url) and POST alike, echoing the id, RD and the question', async () => {
    for (const send of [get, post]) {
      const r = await answerOf(await send(query(oregon, 'A', { id: 4242 })));
      expect(r).toMatchObject({ type: 'response', id: 4242, rcode: 'NOERROR' });
      expect(r.flag_rd).toBe(true);
      expect(r.flag_ra).toBe(true);
      expect(r.questions).toEqual([{ name: oregon, type: 'A', class: 'IN' }]);
      expect(r.answers?.[0]).toMatchObject({ name: oregon, type: 'CNAME', data: oregonElb, ttl: 300 });
      expect(r.answers?.slice(1).every((a) => a.type === 'A' && a.name === oregonElb)).toBe(true);
    }
  });

  it('gives the same answers as the JSON API, record for record', async () => {
    t.sandbox.control.setRecord(zoneName, '_verify', 'TXT', { content: 'token=abc' });
    t.sandbox.control.setRecord(zoneName, 'mail', 'MX', { content: 'mx.example.net', priority: 10 });
    t.sandbox.control.setRecord(zoneName, 'v6', 'AAAA', { content: '2001:db8::1:0:0:7' });
    const cases: [string, dnsPacket.RecordType][] = [
      [zoneName, 'A'],
      [oregon, 'A'],
      [oregon, 'CNAME'],
      ['my-workspace.ai.coder.com', 'A'],
      ['_verify.ai.coder.com', 'TXT'],
      ['mail.ai.coder.com', 'MX'],
      ['v6.ai.coder.com', 'AAAA'],
      [zoneName, 'SOA'],
      [zoneName, 'NS'],
    ];
    for (const [name, type] of cases) {
      const wire = await answerOf(await post(query(name, type)));
      const json = await jsonAnswer(name, type);
      expect([wire.rcode, (wire.answers ?? []).map(presentation)], `${name} ${type}`).toEqual([
        'NOERROR',
        json.rows,
      ]);
    }
  });

  it('answers SOA and NS at the apex as such, and NXDOMAIN with the SOA in the authority section', async () => {
    const zone = await t.client().zones.get({ zone_id: t.zoneId });
    const ns = await answerOf(await get(query(zoneName, 'NS')));
    expect(ns.answers?.map((a) => [a.name, a.type, a.data])).toEqual(
      zone.name_servers.map((n) => [zoneName, 'NS', n]),
    );
    const soa = await answerOf(await get(query(zoneName, 'SOA')));
    expect(soa.answers).toHaveLength(1);
    expect(soa.answers?.[0]).toMatchObject({
      name: zoneName,
      type: 'SOA',
      data: { mname: zone.name_servers[0], rname: 'dns.cloudflare.com' },
    });
    // Below the apex, NS and SOA are NODATA (no delegation), with the zone's SOA as authority.
    const below = await answerOf(await get(query(oregon, 'SOA')));
    expect(below.answers?.[0]?.type).toBe('CNAME');
    t.sandbox.control.deleteRecord(zoneName, '*.emea-proxy', 'CNAME');
    const missing = await answerOf(await post(query('nothing.emea-proxy.ai.coder.com', 'A')));
    expect(missing.rcode).toBe('NXDOMAIN');
    expect(missing.answers).toEqual([]);
    expect(missing.authorities?.map((a) => a.type)).toEqual(['SOA']);
  });

  it('returns an OPT record when the query has one, and a cache lifetime from the smallest TTL', async () => {
    const res = await get(query(oregon, 'CNAME', { edns: true }));
    expect(res.headers.get('cache-control')).toBe('max-age=300');
    const r = await answerOf(res);
    expect(r.additionals?.map((a) => a.type)).toEqual(['OPT']);
    const plain = await answerOf(await get(query(oregon, 'CNAME')));
    expect(plain.additionals).toEqual([]);
  });

  it('answers what it cannot serve in DNS terms: FORMERR, NOTIMP, REFUSED, SERVFAIL', async () => {
    const two = dnsPacket.encode({
      type: 'query',
      id: 1,
      questions: [
        { type: 'A', name: oregon },
        { type: 'A', name: zoneName },
      ],
    });
    expect((await answerOf(await post(two))).rcode).toBe('FORMERR');
    const status = query(oregon, 'A');
    status.writeUInt16BE(0x1100, 2); // opcode 2 (STATUS), RD
    expect((await answerOf(await post(status))).rcode).toBe('NOTIMP');
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 2,
      questions: [{ type: 'TXT', name: 'version.bind', class: 'CH' }],
    });
    expect((await answerOf(await post(chaos))).rcode).toBe('REFUSED');
    expect((await answerOf(await get(query('example.org', 'A')))).rcode).toBe('SERVFAIL');
  });

  it('refuses what is not a DNS query over HTTP: 400, 415, 405', async () => {
    expect((await get(Buffer.from([1, 2, 3]))).status).toBe(400);
    expect((await fetch(`${t.sandbox.dohUrl}?dns=!!`)).status).toBe(400);
    const response = dnsPacket.encode({ type: 'response', id: 3, questions: [{ type: 'A', name: oregon }] });
    expect((await post(response)).status).toBe(400);
    expect((await post(query(oregon, 'A'), 'application/json')).status).toBe(415);
    expect((await fetch(t.sandbox.dohUrl, { method: 'PUT' })).status).toBe(405);
  });

  it('works with curl: the RFC 8484 example GET, and a POST of a query from a file', async () => {
    // RFC 8484 §4.1.1's example: www.example.com A, id 0 — outside the zones, so SERVFAIL.
    const rfc = await run('curl', [
      '-sS',
      '-o',
      join(dir, 'rfc.bin'),
      '-w',
      '%{http_code} %{content_type}',
      '-H',
      'accept: application/dns-message',
      `${t.sandbox.dohUrl}?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB`,
    ]);
    expect(rfc.stdout).toBe('200 application/dns-message');
    expect(decode(await readFile(join(dir, 'rfc.bin')))).toMatchObject({
      id: 0,
      rcode: 'SERVFAIL',
    });
    await writeFile(join(dir, 'q.bin'), query(zoneName, 'NS'));
    await run('curl', [
      '-sS',
      '-o',
      join(dir, 'ns.bin'),
      '-H',
      'content-type: application/dns-message',
      '--data-binary',
      `@${join(dir, 'q.bin')}`,
      t.sandbox.dohUrl,
    ]);
    const ns = decode(await readFile(join(dir, 'ns.bin')));
    expect(ns.answers?.length).toBeGreaterThan(0);
    expect(ns.answers?.every((a) => a.type === 'NS' && String(a.data).endsWith('.ns.cloudflare.com'))).toBe(
      true,
    );
  });
});
