import { type CoderResponse, coderError, coderJson, type Reply } from './coder-http.js';
import { jsonView } from './json-view.js';
import { parseUuid } from './parse-uuid.js';
import { syncWorkspaces } from './provisioner-queue.js';
import { resolveOrganization } from './resolve-organization.js';
import { isSandboxUser } from './sandbox-user.js';
import type { ProbeContext } from './types.js';
import { workspaceJson } from './workspace-json.js';
import { buildStatus, latestBuild, type SimWorkspace } from './workspace-model.js';

type Validation = NonNullable<CoderResponse['validations']>[number];
type Filter = (ws: SimWorkspace, ctx: ProbeContext) => boolean;

const STATUSES = [
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'failed',
  'canceling',
  'canceled',
  'deleting',
  'deleted',
];

/** The search keys the sandbox filters on (a subset of coderd's; others are refused as unknown). */
const KEYS: Record<string, (value: string, problems: Validation[]) => Filter> = {
  owner: (v) => () => isSandboxUser(v),
  name: (v) => (ws) => ws.name.toLowerCase().includes(v),
  template: (v) => (ws, ctx) => ctx.state.workspaces.template(ws.templateId)?.name.toLowerCase() === v,
  organization: (v) => (ws, ctx) => resolveOrganization(v, ctx) === ws.org,
  id: (v, problems) => {
    const ids = v.split(',').map((s) => parseUuid(s));
    if (ids.some((p) => 'error' in p))
      problems.push({ field: 'id', detail: `Query param "id" has invalid uuids: ${JSON.stringify(v)}` });
    return (ws) => ids.some((p) => 'id' in p && p.id === ws.id);
  },
  status: (v, problems) => {
    if (!STATUSES.includes(v))
      problems.push({ field: 'status', detail: `Query param "status" has invalid value "${v}"` });
    return (ws) => buildStatus(latestBuild(ws)) === v;
  },
};

/** coderd's searchTerms: `key:value` elements separated by spaces; a bare word is a name (or owner/name). */
function parseSearch(q: string): { filters: Filter[] } | { problems: Validation[] } {
  const problems: Validation[] = [];
  const filters: Filter[] = [];
  for (const element of q
    .toLowerCase()
    .split(/\s+/)
    .filter((e) => e !== '')) {
    const parts = element.split(':');
    if (parts.length > 2) {
      problems.push({
        field: 'q',
        detail: `Query element ${JSON.stringify(element)} can only contain 1 ':'`,
      });
      continue;
    }
    const pairs: [string, string][] =
      parts.length === 2
        ? [[parts[0] as string, parts[1] as string]]
        : element.includes('/')
          ? [
              ['owner', element.split('/')[0] as string],
              ['name', element.split('/')[1] as string],
            ]
          : [['name', element]];
    for (const [key, value] of pairs) {
      const make = KEYS[key];
      if (make) filters.push(make(value, problems));
      else problems.push({ field: key, detail: `"${key}" is not a valid query param` });
    }
  }
  return problems.length > 0 ? { problems } : { filters };
}

function pagination(params: URLSearchParams): { limit: number; offset: number } | Validation[] {
  const problems: Validation[] = [];
  const int = (name: string) => {
    const text = params.get(name) ?? '0';
    if (/^\d+$/.test(text)) return Number(text);
    problems.push({ field: name, detail: `Query param "${name}" must be a valid integer` });
    return 0;
  };
  const page = { limit: int('limit'), offset: int('offset') };
  return problems.length > 0 ? problems : page;
}

/** `GET /api/v2/workspaces?q=…&limit=…&offset=…` → codersdk.WorkspacesResponse `{workspaces, count}`. */
export function listWorkspaces(url: URL, ctx: ProbeContext): Reply {
  const page = pagination(url.searchParams);
  if (Array.isArray(page))
    return coderError(400, { message: 'Query parameters have invalid values.', validations: page });
  const search = parseSearch(url.searchParams.get('q') ?? '');
  if ('problems' in search)
    return coderError(400, { message: 'Invalid workspace search query.', validations: search.problems });
  const now = syncWorkspaces(ctx);
  const running = (ws: SimWorkspace) => buildStatus(latestBuild(ws)) === 'running';
  const matching = ctx.state.workspaces
    .live()
    .filter((ws) => search.filters.every((f) => f(ws, ctx)))
    .sort((a, b) => Number(running(b)) - Number(running(a)) || a.name.localeCompare(b.name));
  const end = page.limit > 0 ? page.offset + page.limit : undefined;
  const view = jsonView(ctx, now);
  return coderJson(200, {
    workspaces: matching.slice(page.offset, end).map((ws) => workspaceJson(ws, view)),
    count: matching.length,
  });
}
