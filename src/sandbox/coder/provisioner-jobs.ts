import {
  type CoderResponse,
  coderError,
  coderJson,
  type Reply,
  resourceNotFound,
  stableUuid,
} from './coder-http.js';
import { DATABASE_DOWN } from './health-report.js';
import type { ProbeContext, WorldFacts } from './types.js';

const STATUSES = ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown'];
const KNOWN_PARAMS = new Set(['limit', 'status', 'ids', 'tags', 'initiator']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JOB_TAGS = { owner: '', scope: 'organization' };

type Validation = NonNullable<CoderResponse['validations']>[number];

interface Query {
  limit: number;
  statuses: string[];
  ids: string[];
  tags: Record<string, string>;
}

/** Organizations the sandbox knows: those with provisioners, those given a queue, and `default`. */
function resolveOrg(param: string, ctx: ProbeContext, facts: WorldFacts): string | undefined {
  const names = new Set([
    'default',
    ...facts.provisioners.map((p) => p.org),
    ...ctx.state.pendingJobs.keys(),
  ]);
  if (names.has(param)) return param;
  return [...names].find((name) => stableUuid(`organization:${name}`) === param.toLowerCase());
}

/** coderd's QueryParamParser: every problem becomes a validation; unknown params are errors too. */
function parseQuery(params: URLSearchParams): Query | Validation[] {
  const problems: Validation[] = [];
  const limitText = params.get('limit') ?? '50';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit > 2 ** 31 - 1) {
    problems.push({ field: 'limit', detail: `Query param "limit" must be a valid positive integer` });
  }
  const statuses = params
    .getAll('status')
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '');
  for (const s of statuses.filter((s) => !STATUSES.includes(s))) {
    problems.push({ field: 'status', detail: `Query param "status" has invalid value "${s}"` });
  }
  const ids = params
    .getAll('ids')
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '');
  for (const id of ids.filter((id) => !UUID.test(id))) {
    problems.push({ field: 'ids', detail: `Query param "ids" has invalid UUID "${id}"` });
  }
  for (const key of new Set(params.keys())) {
    if (!KNOWN_PARAMS.has(key)) problems.push({ field: key, detail: `"${key}" is not a valid query param` });
  }
  let tags: Record<string, string> = {};
  try {
    tags = JSON.parse(params.get('tags') || '{}');
  } catch {
    problems.push({ field: 'tags', detail: 'Invalid tags query parameter' });
  }
  return problems.length > 0 ? problems : { limit, statuses, ids, tags };
}

function job(
  org: string,
  i: number,
  status: 'pending' | 'running',
  position: number,
  size: number,
  nowMs: number,
) {
  const seed = `${org}:${status}:${i}`;
  const createdAt = new Date(nowMs - (i + 1) * 15_000).toISOString();
  return {
    id: stableUuid(`job:${seed}`),
    created_at: createdAt,
    ...(status === 'running'
      ? { started_at: createdAt, worker_id: stableUuid(`provisioner:${org}:${i}`) }
      : {}),
    status,
    file_id: stableUuid(`file:${seed}`),
    tags: JOB_TAGS,
    queue_position: position,
    queue_size: size,
    organization_id: stableUuid(`organization:${org}`),
    input: { workspace_build_id: stableUuid(`build:${seed}`) },
    type: 'workspace_build',
    metadata: {
      template_version_name: 'v3',
      template_id: stableUuid('template:ai-workshop'),
      template_name: 'ai-workshop',
      template_display_name: 'AI Workshop',
      template_icon: '/icon/coder.svg',
      workspace_id: stableUuid(`workspace:${seed}`),
      workspace_name: `${status === 'pending' ? 'queued' : 'building'}-${i + 1}`,
    },
    logs_overflowed: false,
  };
}

/** Pending jobs as set by the control API; while a queue exists, every ready daemon runs one. */
function jobsFor(org: string, ctx: ProbeContext, facts: WorldFacts, nowMs: number) {
  const pending = ctx.state.pendingJobs.get(org) ?? 0;
  const ready = facts.provisioners.find((p) => p.org === org)?.ready ?? 0;
  const running = pending > 0 ? ready : 0;
  return [
    ...Array.from({ length: pending }, (_, i) => job(org, i, 'pending', pending - i, pending, nowMs)),
    ...Array.from({ length: running }, (_, i) => job(org, i, 'running', 0, 0, nowMs)),
  ].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** `GET /api/v2/organizations/{organization}/provisionerjobs` (newest first, like coderd). */
export function listProvisionerJobs(url: URL, orgParam: string, ctx: ProbeContext, facts: WorldFacts): Reply {
  const org = resolveOrg(orgParam, ctx, facts);
  if (org === undefined) return resourceNotFound();
  const query = parseQuery(url.searchParams);
  if (Array.isArray(query))
    return coderError(400, { message: 'Invalid query parameters.', validations: query });
  if (ctx.state.databaseFailing) {
    return coderError(500, {
      message: 'Internal error fetching provisioner jobs.',
      detail: `failed to connect to database: ${DATABASE_DOWN}`,
    });
  }
  const jobs = jobsFor(org, ctx, facts, ctx.opts.clock.now())
    .filter((j) => query.statuses.length === 0 || query.statuses.includes(j.status))
    .filter((j) => query.ids.length === 0 || query.ids.includes(j.id))
    .filter((j) => Object.entries(query.tags).every(([k, v]) => (j.tags as Record<string, string>)[k] === v));
  return coderJson(200, query.limit > 0 ? jobs.slice(0, query.limit) : jobs);
}
