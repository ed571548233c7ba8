import type { IncomingMessage } from 'node:http';
import { noHealthyUpstream, type Reply } from '../coder/coder-http.js';
import { keyInfo } from './key-info.js';
import type { LitellmContext } from './litellm-context.js';
import { litellmJson, pythonNaiveIso } from './litellm-http.js';

export type { LitellmContext } from './litellm-context.js';

const ROUTES = new Set(['/health/liveliness', '/health/liveness', '/health/readiness', '/key/info']);

/**
 * LiteLLM v1.79's readiness body: `db_health_status` is spread over it, so `status` is the database
 * status (`connected` / `disconnected`) while `db` only says a database is configured.
 */
function readiness(ctx: LitellmContext) {
  return {
    status: ctx.state.databaseFailing ? 'disconnected' : 'connected',
    db: 'connected',
    cache: null,
    litellm_version: ctx.version,
    success_callbacks: ['_PROXY_VirtualKeyModelMaxBudgetLimiter', '_PROXY_MaxParallelRequestsHandler_v3'],
    use_aiohttp_transport: true,
    last_updated: pythonNaiveIso(ctx.clock.now()),
  };
}

/** The LiteLLM proxy under its probe prefix (`path` has the prefix removed). */
export function handleLitellm(req: IncomingMessage, url: URL, path: string, ctx: LitellmContext): Reply {
  // No ready pod: the load balancer, not LiteLLM, answers.
  if (ctx.ready() <= 0) return noHealthyUpstream();
  if (!ROUTES.has(path)) return litellmJson(404, { detail: 'Not Found' });
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return litellmJson(405, { detail: 'Method Not Allowed' });
  if (path === '/key/info') return keyInfo(req, url, ctx);
  if (path === '/health/readiness') return litellmJson(200, readiness(ctx));
  return litellmJson(200, "I'm alive!");
}
