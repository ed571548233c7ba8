import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterSim } from './cluster-sim.js';
import type { UserInfo } from './rbac.js';
import type { ResourceRoute } from './route.js';

export interface RequestContext {
  sim: ClusterSim;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  route: ResourceRoute;
  /** The user the request runs as (after impersonation). */
  user: UserInfo;
}
