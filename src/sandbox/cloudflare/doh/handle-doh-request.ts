import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../../shared/faults.js';
import { applyFault, readBody, sendJson } from '../../shared/http.js';
import { normalizeName } from '../state/hostnames.js';
import type { ZoneStore } from '../state/zone-store.js';
import { decodeQuery, encodeResponse, RCODE, WireFormatError, type WireQuery } from './dns-wire.js';
import { type Resolution, resolveName, TypeNumbers } from './resolve-name.js';

export const dohPath = '/dns-query';
const DNS_MESSAGE = 'application/dns-message';
/** The largest DNS message (RFC 8484 §6: a DoH message is at most 65535 bytes). */
const MAX_MESSAGE = 65_535;

class DohRequestError extends Error {}

function flag(query: URLSearchParams, key: 'cd' | 'do'): boolean {
  const raw = query.get(key);
  if (raw === null || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new DohRequestError(
    `Invalid ${key.toUpperCase()} flag \`${raw}\`. Expected value should be empty or one of \`0\`, \`false\`, \`1\`, or \`true\`.`,
  );
}

function queryType(raw: string | null): number {
  if (raw === null || raw === '') return 1;
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n >= 1 && n <= 65535) return n;
  }
  const known = TypeNumbers[raw.toUpperCase()];
  if (known === undefined) throw new DohRequestError(`Invalid query type \`${raw}\`.`);
  return known;
}

/** The JSON form needs `accept: application/dns-json` (or `ct=`); without it the endpoint expects wire format. */
function wantsJson(req: IncomingMessage, query: URLSearchParams): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/dns-json') || query.get('ct') === 'application/dns-json';
}

/** RFC 8484 freshness: the smallest TTL of the answer, or of the SOA for a negative one. */
function maxAge(r: Resolution): number {
  const ttls = [...r.Answer, ...r.Authority].map((a) => a.TTL);
  return ttls.length > 0 ? Math.min(...ttls) : 0;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** What the resolver makes of one wire-format query: its answer, or FORMERR/NOTIMP/REFUSED as DNS says. */
function resolveWire(store: ZoneStore, query: WireQuery): { rcode: number; resolution?: Resolution } {
  if (query.opcode !== 0) return { rcode: RCODE.NOTIMP };
  const [question, ...more] = query.questions;
  if (!question || more.length > 0) return { rcode: RCODE.FORMERR };
  if (question.class !== 1) return { rcode: RCODE.REFUSED };
  const resolution = resolveName(store, normalizeName(question.name), question.type);
  return { rcode: resolution.Status, resolution };
}

/** An RFC 8484 DNS message (GET `?dns=` base64url, or POST body) answered in wire format. */
function answerWire(store: ZoneStore, res: ServerResponse, message: Buffer): void {
  let query: WireQuery;
  try {
    query = decodeQuery(message);
  } catch (err) {
    if (!(err instanceof WireFormatError)) throw err;
    sendText(res, 400, `Bad Request: not a DNS query (${err.message})\n`);
    return;
  }
  const { rcode, resolution } = resolveWire(store, query);
  const body = encodeResponse(query, {
    rcode,
    answer: resolution?.Answer ?? [],
    authority: resolution?.Authority ?? [],
  });
  res.writeHead(200, {
    'content-type': DNS_MESSAGE,
    'content-length': body.length,
    'cache-control': `max-age=${resolution ? maxAge(resolution) : 0}`,
  });
  res.end(body);
}

/**
 * `/dns-query` as Cloudflare serves it: RFC 8484 wire format (GET `?dns=<base64url>`, or POST with
 * `content-type: application/dns-message`) and the JSON API (GET `?name=…&type=…` asking for
 * `application/dns-json`), both answered from the live records.
 */
export async function handleDohRequest(
  store: ZoneStore,
  faults: Faults,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const errorBody = (status: number) => ({ error: `injected fault ${status}` });
  if (await applyFault(faults, 'doh', res, errorBody)) return;
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== DNS_MESSAGE) {
      sendText(res, 415, `Unsupported Media Type: POST takes ${DNS_MESSAGE}\n`);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_MESSAGE);
    } catch {
      sendText(res, 413, 'Payload Too Large\n');
      return;
    }
    answerWire(store, res, body);
    return;
  }
  if (req.method !== 'GET') {
    sendJson(res, 405, { error: 'Only GET and POST are supported.' });
    return;
  }
  const dns = url.searchParams.get('dns');
  if (dns !== null) {
    // base64url without padding (RFC 8484 §4.1); padding is tolerated, anything else is not a message.
    if (!/^[A-Za-z0-9_-]*={0,2}$/.test(dns) || dns.length > Math.ceil((MAX_MESSAGE * 4) / 3) + 2) {
      sendText(res, 400, 'Bad Request: `dns` must be a base64url-encoded DNS message\n');
      return;
    }
    answerWire(store, res, Buffer.from(dns, 'base64url'));
    return;
  }
  try {
    if (!wantsJson(req, url.searchParams))
      throw new DohRequestError('Missing `dns` query parameter (DNS wire format expected).');
    const rawName = url.searchParams.get('name');
    if (rawName === null || rawName.trim() === '')
      throw new DohRequestError('Missing or empty `name` parameter.');
    const type = queryType(url.searchParams.get('type'));
    const cd = flag(url.searchParams, 'cd');
    flag(url.searchParams, 'do');
    const name = normalizeName(rawName);
    const r = resolveName(store, name, type);
    const body = {
      Status: r.Status,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: cd,
      Question: [{ name: `${name}.`, type }],
      ...(r.Answer.length > 0 ? { Answer: r.Answer } : {}),
      ...(r.Authority.length > 0 ? { Authority: r.Authority } : {}),
    };
    sendJson(res, 200, body, {
      'content-type': 'application/dns-json',
      'cache-control': `max-age=${maxAge(r)}`,
    });
  } catch (err) {
    if (!(err instanceof DohRequestError)) throw err;
    sendJson(res, 400, { error: err.message });
  }
}
