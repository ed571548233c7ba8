import type { IncomingMessage } from 'node:http';
import {
  coderJson,
  methodNotAllowed,
  noHealthyUpstream,
  plainText,
  type Reply,
  routeNotFound,
  versionForDigest,
} from './coder-http.js';
import { buildInfo } from './handle-coder.js';
import type { ProbeContext } from './types.js';

const ROUTES = new Set(['/healthz', '/healthz-report', '/api/v2/buildinfo']);

/**
 * A workspace proxy (`coder wsproxy server`) under its probe prefix. When the facts say it is not
 * healthy, or do not list it at all, no pod is ready and its load balancer answers 503.
 */
export function handleProxy(req: IncomingMessage, path: string, ctx: ProbeContext): Reply {
  const proxy = ctx.opts.facts().proxies.find((p) => p.id === ctx.probe.id);
  if (!proxy?.healthy) return noHealthyUpstream();
  if (!ROUTES.has(path)) return routeNotFound();
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed();
  if (path === '/healthz') return plainText(200, 'OK');
  // The proxy's own view (codersdk.ProxyHealthReport): it reaches the primary, so nothing to report.
  if (path === '/healthz-report') return coderJson(200, { errors: [], warnings: [] });
  return coderJson(200, buildInfo(ctx, versionForDigest(ctx.opts.coderVersion, proxy.imageDigest), true));
}
