import type { IncomingMessage } from 'node:http';
import { checkPty, notAWebsocket } from './check-pty.js';
import {
  coderError,
  coderJson,
  methodNotAllowed,
  noHealthyUpstream,
  plainText,
  type Reply,
  versionForDigest,
} from './coder-http.js';
import { isReply } from './decode-body.js';
import { buildInfo } from './handle-coder.js';
import { authenticateSession } from './session-auth.js';
import { proxyNotFoundPage } from './static-error-page.js';
import type { ProbeContext } from './types.js';
import { PTY_ROUTE } from './workspace-routes.js';

const ROUTES = new Set(['/healthz', '/healthz-report', '/api/v2/buildinfo']);

/** Whether the proxy has a ready pod; when not, its load balancer answers 503 to everything. */
export function proxyHealthy(ctx: ProbeContext): boolean {
  return ctx.opts.facts().proxies.find((p) => p.id === ctx.probe.id)?.healthy === true;
}

/**
 * A workspace proxy (`coder wsproxy server`) under its probe prefix: health, build info and the
 * terminal (`/api/v2/workspaceagents/{agent}/pty`, a websocket; see handle-pty-upgrade). Anything
 * else gets the proxy's static "Head to the Dashboard" page, as the real one answers: the REST API
 * is the control plane's. When the facts say it is not healthy, no pod is ready: 503.
 */
export function handleProxy(req: IncomingMessage, url: URL, path: string, ctx: ProbeContext): Reply {
  const proxy = ctx.opts.facts().proxies.find((p) => p.id === ctx.probe.id);
  if (!proxy?.healthy) return noHealthyUpstream();
  const pty = PTY_ROUTE.exec(path);
  if (pty) {
    if (req.method !== 'GET') return methodNotAllowed();
    const denied = authenticateSession(req, url, ctx.opts.sessionToken);
    if (denied) return coderError(401, denied);
    const target = checkPty(decodeURIComponent(pty[1] as string), url, ctx);
    return isReply(target) ? target : notAWebsocket(req.headers.connection);
  }
  if (!ROUTES.has(path)) return proxyNotFoundPage((ctx.primary ?? ctx.probe).url.replace(/\/+$/, ''));
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed();
  if (path === '/healthz') return plainText(200, 'OK');
  // The proxy's own view (codersdk.ProxyHealthReport): it reaches the primary, so nothing to report.
  if (path === '/healthz-report') return coderJson(200, { errors: [], warnings: [] });
  return coderJson(200, buildInfo(ctx, versionForDigest(ctx.opts.coderVersion, proxy.imageDigest), true));
}
