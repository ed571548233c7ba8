import { createHash } from 'node:crypto';
import type { ZoneStore } from '../state/zone-store.js';
import { batchRecords } from './batch-records.js';
import { cfErrors } from './cf-api-error.js';
import type { Success } from './envelope.js';
import { listRecords } from './list-records.js';
import { changeRecord, createRecord, deleteRecord, getRecord } from './records-handlers.js';
import { listZones, toApiZone } from './zones-handlers.js';

export interface ApiRequest {
  method: string;
  /** Full request path, e.g. `/client/v4/zones/…/dns_records`, as the API echoes it in errors. */
  pathname: string;
  /** Segments after `/client/v4`. */
  segments: string[];
  query: URLSearchParams;
  token: string;
  body: () => Promise<unknown>;
}

function only(method: string, allowed: string): void {
  if (method !== allowed) throw cfErrors.methodNotAllowed();
}

function verifyToken(token: string): Success {
  const id = createHash('sha256').update(token).digest('hex').slice(0, 32);
  return {
    result: { id, status: 'active' },
    messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
  };
}

async function routeRecords(
  store: ZoneStore,
  req: ApiRequest,
  zoneId: string,
  rest: string[],
): Promise<Success> {
  const zone = store.byId(zoneId);
  if (!zone) throw cfErrors.couldNotRoute(req.pathname);
  const [recordId, extra] = rest;
  if (extra !== undefined) throw cfErrors.noRoute();
  if (recordId === undefined) {
    if (req.method === 'GET') return listRecords(zone, req.query);
    only(req.method, 'POST');
    return createRecord(store, zone, await req.body());
  }
  if (recordId === 'batch') {
    only(req.method, 'POST');
    return batchRecords(store, zone, await req.body());
  }
  switch (req.method) {
    case 'GET':
      return getRecord(zone, recordId, req.pathname);
    case 'PUT':
      return changeRecord(store, zone, recordId, await req.body(), 'put', req.pathname);
    case 'PATCH':
      return changeRecord(store, zone, recordId, await req.body(), 'patch', req.pathname);
    case 'DELETE':
      return deleteRecord(store, zone, recordId, req.pathname);
    default:
      throw cfErrors.methodNotAllowed();
  }
}

/** Dispatches an authenticated v4 request to its handler; unknown paths get the API's routing errors. */
export async function routeApi(store: ZoneStore, req: ApiRequest): Promise<Success> {
  const [first, second, third, ...rest] = req.segments;
  if (first === 'user' && second === 'tokens' && third === 'verify' && rest.length === 0) {
    only(req.method, 'GET');
    return verifyToken(req.token);
  }
  if (first !== 'zones') throw cfErrors.noRoute();
  if (second === undefined) {
    only(req.method, 'GET');
    return listZones(store, req.query);
  }
  if (third === undefined) {
    only(req.method, 'GET');
    const zone = store.byId(second);
    if (!zone) throw cfErrors.couldNotRoute(req.pathname);
    return { result: toApiZone(zone) };
  }
  if (third === 'dns_records') return routeRecords(store, req, second, rest);
  throw cfErrors.couldNotRoute(req.pathname);
}
