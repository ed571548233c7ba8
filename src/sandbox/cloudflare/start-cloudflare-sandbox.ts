import type { DnsZone } from '../../inventory/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';
import { type RunningServer, type ServeOptions, sendJson, serve } from '../shared/http.js';
import { apiPrefix, handleApiRequest } from './api/handle-api-request.js';
import { type RateLimit, RateLimiter } from './api/rate-limiter.js';
import { type CloudflareControl, createControl } from './create-control.js';
import { dohPath, handleDohRequest } from './doh/handle-doh-request.js';
import { ZoneStore } from './state/zone-store.js';

export type { CloudflareControl, ControlRecordFields, PlainRecord } from './create-control.js';

export interface CloudflareSandboxOptions {
  /** Zones and the records to seed them with (from the inventory). */
  zones: DnsZone[];
  clock: Clock;
  /** API names: `cloudflare` for the v4 API, `doh` for the resolver. */
  faults: Faults;
  /** The only token the API accepts. */
  apiToken: string;
  /** Per token; default 1,200 requests per 5 minutes like the real API. */
  rateLimit?: RateLimit;
  /** Serve HTTPS, or bind elsewhere than 127.0.0.1. */
  serve?: ServeOptions;
}

export interface CloudflareSandbox {
  /** `${url}/client/v4`, for `new Cloudflare({ apiToken, baseURL })`. */
  baseUrl: string;
  /** `${url}/dns-query`, a JSON DNS endpoint like cloudflare-dns.com/dns-query. */
  dohUrl: string;
  /** Zone name → zone id (32 hex characters, stable across restarts). */
  zones: Record<string, string>;
  control: CloudflareControl;
  close(): Promise<void>;
}

/** Starts the simulated Cloudflare v4 API and DoH resolver on one loopback port. */
export async function startCloudflareSandbox(opts: CloudflareSandboxOptions): Promise<CloudflareSandbox> {
  const store = new ZoneStore(opts.zones, opts.clock);
  const limiter = new RateLimiter(opts.rateLimit ?? { requests: 1200, windowMs: 5 * 60_000 }, opts.clock);
  const counter = { requests: 0 };
  const deps = { store, faults: opts.faults, apiToken: opts.apiToken, limiter, counter };
  const server: RunningServer = await serve(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (url.pathname === apiPrefix || url.pathname.startsWith(`${apiPrefix}/`))
      return handleApiRequest(deps, req, res, url);
    if (url.pathname === dohPath) return handleDohRequest(store, opts.faults, req, res, url);
    sendJson(res, 404, { error: 'not found' });
  }, opts.serve);
  return {
    baseUrl: `${server.url}${apiPrefix}`,
    dohUrl: `${server.url}${dohPath}`,
    zones: Object.fromEntries(store.list().map((z) => [z.name, z.id])),
    control: createControl(store, limiter, counter),
    close: () => server.close(),
  };
}
