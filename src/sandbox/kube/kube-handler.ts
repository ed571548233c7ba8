import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../shared/faults.js';
import { applyFault, type Handler } from '../shared/http.js';
import { admit, impersonate, requestAttributes } from './access-control.js';
import { type Authenticator, authenticate } from './authenticate.js';
import type { ClusterSim } from './cluster-sim.js';
import {
  AGGREGATED_CONTENT_TYPE,
  groupDiscovery,
  rootDiscovery,
  versionInfo,
  wantsAggregated,
} from './discovery.js';
import { handleCreate } from './handle-create.js';
import { handleDelete } from './handle-delete.js';
import { handleRead } from './handle-read.js';
import { handleWrite } from './handle-write.js';
import { openApiV3 } from './openapi.js';
import { sendObject, sendStatus } from './respond.js';
import { parseRoute, pathSegments } from './route.js';
import { faultStatus, KubeError, methodNotAllowed, pathNotFound } from './status-errors.js';

const PUBLIC = new Set(['/healthz', '/livez', '/readyz']);

function sendDiscovery(req: IncomingMessage, res: ServerResponse, segments: string[]): boolean {
  if (req.method !== 'GET') return false;
  if (segments.length === 1 && (segments[0] === 'api' || segments[0] === 'apis')) {
    const aggregated = wantsAggregated(req.headers.accept);
    const body = rootDiscovery(`/${segments[0]}` as '/api' | '/apis', aggregated);
    sendObject(res, 200, body, aggregated ? AGGREGATED_CONTENT_TYPE : 'application/json');
    return true;
  }
  if (segments[0] === 'api' || segments[0] === 'apis') {
    const body = groupDiscovery(segments);
    if (body) {
      sendObject(res, 200, body);
      return true;
    }
  }
  return false;
}

/** Authentication, impersonation and authorization (RBAC) run before any routing, as in the API server. */
async function dispatch(
  sim: ClusterSim,
  auth: Authenticator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const user = impersonate(req, sim.store, authenticate(req, auth, sim.info.eksName));
  admit(sim.store, user, requestAttributes(req.method ?? 'GET', url.pathname, url.searchParams));
  if (PUBLIC.has(url.pathname)) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  if (url.pathname === '/version') return sendObject(res, 200, versionInfo());
  const openapi = req.method === 'GET' ? openApiV3(url.pathname) : undefined;
  if (openapi) return sendObject(res, 200, openapi);
  const segments = pathSegments(url.pathname);
  if (sendDiscovery(req, res, segments)) return;
  const route = parseRoute(segments);
  if (!route) throw pathNotFound();
  if (route.subresource !== undefined && !route.def.subresources?.some((s) => s.name === route.subresource))
    throw pathNotFound();
  const ctx = { sim, req, res, query: url.searchParams, route, user };
  switch (req.method) {
    case 'GET':
      return handleRead(ctx);
    case 'POST':
      return handleCreate(ctx);
    case 'PATCH':
    case 'PUT':
      return handleWrite(ctx);
    case 'DELETE':
      return handleDelete(ctx);
    default:
      throw methodNotAllowed(route.def);
  }
}

/** The HTTP handler of one simulated API server: faults, then authentication, then the API. */
export function kubeHandler(sim: ClusterSim, auth: Authenticator, faults: Faults): Handler {
  const api = `kube:${sim.info.id}`;
  return async (req, res) => {
    if (await applyFault(faults, api, res, (status) => faultStatus(status))) return;
    try {
      await dispatch(sim, auth, req, res);
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      if (res.headersSent) res.destroy();
      else sendStatus(res, err);
    }
  };
}
