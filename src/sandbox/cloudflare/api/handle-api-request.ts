import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../../shared/faults.js';
import { applyFault, readBody } from '../../shared/http.js';
import type { ZoneStore } from '../state/zone-store.js';
import { authenticate } from './authenticate.js';
import { CfApiError, cfErrors } from './cf-api-error.js';
import { faultBody, sendError, sendSuccess } from './envelope.js';
import type { RateLimiter } from './rate-limiter.js';
import { routeApi } from './route-api.js';

export const apiPrefix = '/client/v4';

export interface ApiDeps {
  store: ZoneStore;
  faults: Faults;
  apiToken: string;
  limiter: RateLimiter;
  /** Incremented for every request that reaches the API, answered or not (request budgets). */
  counter: { requests: number };
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw cfErrors.invalidBody();
  }
}

/** Serves `/client/v4/*`: injected faults first, then authentication, the rate limit, the route. */
export async function handleApiRequest(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL) {
  deps.counter.requests += 1;
  if (await applyFault(deps.faults, 'cloudflare', res, faultBody)) return;
  const segments = url.pathname.slice(apiPrefix.length).split('/').filter(Boolean);
  let headers: Record<string, string> = {};
  try {
    const isVerify = segments.join('/') === 'user/tokens/verify';
    const token = authenticate(req, deps.apiToken, isVerify);
    headers = deps.limiter.take(token);
    const result = await routeApi(deps.store, {
      method: req.method ?? 'GET',
      pathname: url.pathname,
      segments,
      query: url.searchParams,
      token,
      body: () => jsonBody(req),
    });
    sendSuccess(res, result, headers);
  } catch (err) {
    if (!(err instanceof CfApiError)) throw err;
    sendError(res, err, headers);
  }
}
