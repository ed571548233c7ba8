import type { IncomingMessage } from 'node:http';
import {
  coderError,
  coderJson,
  methodNotAllowed,
  plainText,
  type Reply,
  routeNotFound,
  stableUuid,
  versionForDigest,
} from './coder-http.js';
import { buildHealthReport, DATABASE_DOWN, PROVISIONER_API_VERSION } from './health-report.js';
import { listProvisionerJobs } from './provisioner-jobs.js';
import { syncWorkspaces } from './provisioner-queue.js';
import { authenticateSession } from './session-auth.js';
import type { ProbeContext, WorldFacts } from './types.js';
import { workspaceProxies } from './workspace-proxies.js';
import { matchWorkspaceRoute } from './workspace-routes.js';

const COMMIT_URL = 'https://github.com/coder/coder/commit/';

/** `codersdk.BuildInfoResponse`; proxies answer with `workspace_proxy: true` and the primary's URL. */
export function buildInfo(ctx: ProbeContext, version: string, workspaceProxy: boolean) {
  const build = version.split('+')[1] ?? '';
  return {
    external_url: build ? `${COMMIT_URL}${build}` : `https://github.com/coder/coder/releases/tag/${version}`,
    version,
    dashboard_url: (ctx.primary ?? ctx.probe).url.replace(/\/+$/, ''),
    workspace_proxy: workspaceProxy,
    agent_api_version: '2.6',
    provisioner_api_version: PROVISIONER_API_VERSION,
    upgrade_message: '',
    deployment_id: stableUuid(`deployment:${(ctx.primary ?? ctx.probe).url}`),
    webpush_public_key: '',
    telemetry: true,
  };
}

function listProxies(ctx: ProbeContext, facts: WorldFacts): Reply {
  if (ctx.state.databaseFailing) {
    return coderError(500, {
      message: 'An internal error occurred. Please try again or contact the system administrator.',
      detail: `get workspace proxies: ${DATABASE_DOWN}`,
    });
  }
  const regions = workspaceProxies({
    primary: ctx.primary,
    probes: ctx.opts.probes,
    facts,
    coderVersion: ctx.opts.coderVersion,
    now: new Date(ctx.opts.clock.now()).toISOString(),
    createdAt: new Date(ctx.state.startedAt).toISOString(),
  });
  return coderJson(200, { regions });
}

/** Routes that need a session token; undefined for a path coderd does not route. */
function authenticatedRoute(path: string, url: URL, ctx: ProbeContext): (() => Reply) | undefined {
  const facts = () => ctx.opts.facts();
  if (path === '/api/v2/debug/health') {
    return () => coderJson(200, buildHealthReport(ctx, facts(), syncWorkspaces(ctx)));
  }
  if (path === '/api/v2/workspaceproxies') return () => listProxies(ctx, facts());
  const jobs = /^\/api\/v2\/organizations\/([^/]+)\/provisionerjobs$/.exec(path);
  if (jobs) return () => listProvisionerJobs(url, decodeURIComponent(jobs[1] ?? ''), ctx, facts());
  return undefined;
}

/** The control plane's API under its probe prefix (`path` has the prefix removed). */
export async function handleCoder(
  req: IncomingMessage,
  url: URL,
  path: string,
  ctx: ProbeContext,
): Promise<Reply> {
  const isGet = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/healthz') return isGet ? plainText(200, 'OK') : methodNotAllowed();
  if (path === '/api/v2/buildinfo') {
    if (!isGet) return methodNotAllowed();
    const version = versionForDigest(ctx.opts.coderVersion, ctx.opts.facts().controlPlaneImageDigest);
    return coderJson(200, buildInfo(ctx, version, false));
  }
  const route = authenticatedRoute(path, url, ctx);
  if (route) {
    if (!isGet) return methodNotAllowed();
    const denied = authenticateSession(req, url, ctx.opts.sessionToken);
    return denied ? coderError(401, denied) : route();
  }
  const matched = matchWorkspaceRoute(path);
  if (!matched) return routeNotFound();
  // As coderd's chi groups: the API key middleware runs before method routing.
  const denied = authenticateSession(req, url, ctx.opts.sessionToken);
  if (denied) return coderError(401, denied);
  const handler = matched.route.methods[req.method ?? 'GET'];
  return handler ? handler({ req, url, ctx, params: matched.params }) : methodNotAllowed();
}
