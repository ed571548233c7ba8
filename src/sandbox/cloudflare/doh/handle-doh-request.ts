import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../../shared/faults.js';
import { applyFault, sendJson } from '../../shared/http.js';
import { normalizeName } from '../state/hostnames.js';
import type { ZoneStore } from '../state/zone-store.js';
import { resolveName, TypeNumbers } from './resolve-name.js';

export const dohPath = '/dns-query';

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

/** GET /dns-query?name=…&type=… answered in Cloudflare's JSON DNS format from the live records. */
export async function handleDohRequest(
  store: ZoneStore,
  faults: Faults,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const errorBody = (status: number) => ({ error: `injected fault ${status}` });
  if (await applyFault(faults, 'doh', res, errorBody)) return;
  if (req.method !== 'GET') {
    sendJson(res, 405, { error: 'Only GET is supported for the JSON API.' });
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
    const ttls = [...r.Answer, ...r.Authority].map((a) => a.TTL);
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
      'cache-control': `max-age=${ttls.length > 0 ? Math.min(...ttls) : 0}`,
    });
  } catch (err) {
    if (!(err instanceof DohRequestError)) throw err;
    sendJson(res, 400, { error: err.message });
  }
}
