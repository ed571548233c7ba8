import { type CoderResponse, coderError, type Reply, resourceNotFound } from './coder-http.js';
import { jsonView } from './json-view.js';
import { invalidUuidParam, parseUuid } from './parse-uuid.js';
import { syncWorkspaces } from './provisioner-queue.js';
import type { ProbeContext } from './types.js';
import { agentJson } from './workspace-json.js';
import { latestBuild, type SimWorkspace } from './workspace-model.js';

type Validation = NonNullable<CoderResponse['validations']>[number];

export interface PtyTarget {
  ws: SimWorkspace;
  command: string;
}

function queryProblems(params: URLSearchParams): Validation[] {
  const problems: Validation[] = [];
  const reconnect = params.get('reconnect');
  if (reconnect === null || reconnect === '')
    problems.push({ field: 'reconnect', detail: 'Query param "reconnect" is required' });
  else if ('error' in parseUuid(reconnect))
    problems.push({ field: 'reconnect', detail: 'Query param "reconnect" must be a valid uuid' });
  for (const name of ['height', 'width']) {
    const v = params.get(name);
    if (v !== null && v !== '' && !(/^\d+$/.test(v) && Number(v) <= 65_535))
      problems.push({ field: name, detail: `Query param "${name}" must be a valid positive integer` });
  }
  return problems;
}

/**
 * Everything coderd (or a proxy's app server) checks before accepting the terminal websocket of
 * `GET /api/v2/workspaceagents/{agent}/pty`: the agent exists and is connected, the query is valid.
 */
export function checkPty(agentParam: string, url: URL, ctx: ProbeContext): PtyTarget | Reply {
  const now = syncWorkspaces(ctx);
  const parsed = parseUuid(agentParam);
  if ('error' in parsed) return invalidUuidParam(agentParam, parsed.error);
  const found = ctx.state.workspaces.agent(parsed.id);
  if (!found?.build.agent) return resourceNotFound();
  const current = !found.ws.deleted && latestBuild(found.ws) === found.build;
  const status = current ? agentJson(found.build.agent, jsonView(ctx, now)).status : 'disconnected';
  if (status !== 'connected') {
    return coderError(400, {
      message: `Agent state is ${JSON.stringify(status)}, it must be in the "connected" state.`,
    });
  }
  const problems = queryProblems(url.searchParams);
  if (problems.length > 0)
    return coderError(400, { message: 'Invalid query parameters.', validations: problems });
  return { ws: found.ws, command: url.searchParams.get('command') ?? '' };
}

/** A plain GET where the websocket upgrade was expected (coder/websocket's Accept error). */
export function notAWebsocket(connection: string | undefined): Reply {
  return coderError(400, {
    message: 'Failed to accept websocket.',
    detail: `websocket protocol violation: Connection header ${JSON.stringify(connection ?? '')} does not contain Upgrade`,
  });
}
