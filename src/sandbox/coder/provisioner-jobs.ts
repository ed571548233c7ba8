import {
  type CoderResponse,
  coderError,
  coderJson,
  type Reply,
  resourceNotFound,
  stableUuid,
} from './coder-http.js';
import { DATABASE_DOWN } from './health-report.js';
import { jsonView } from './json-view.js';
import {
  type PendingQueue,
  syncWorkspaces,
  syntheticCreatedAt,
  syntheticJobId,
} from './provisioner-queue.js';
import { resolveOrganization } from './resolve-organization.js';
import { SANDBOX_USER } from './sandbox-user.js';
import type { ProbeContext, WorldFacts } from './types.js';
import { type JsonView, jobJson } from './workspace-json.js';
import type { SimBuild, SimWorkspace } from './workspace-model.js';

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

interface ListedJob {
  id: string;
  created_at: string;
  status: string;
  tags: Record<string, string>;
}

/** The control API's queue: `pending` jobs waiting, and one running on every ready daemon meanwhile. */
function syntheticJob(
  org: string,
  i: number,
  status: 'pending' | 'running',
  queue: PendingQueue,
  nowMs: number,
) {
  const seed = `${org}:${status}:${i}`;
  const id = syntheticJobId(org, status, i);
  const createdAt = new Date(syntheticCreatedAt(i, nowMs)).toISOString();
  return {
    id,
    created_at: createdAt,
    ...(status === 'running'
      ? {
          started_at: createdAt,
          worker_id: stableUuid(`provisioner:${org}:${i}`),
          worker_name: `coder-provisioner-${org}-${i}`,
        }
      : {}),
    status,
    file_id: stableUuid(`file:${seed}`),
    tags: JOB_TAGS,
    queue_position: queue.positions.get(id) ?? 0,
    queue_size: status === 'pending' ? queue.size : 0,
    organization_id: stableUuid(`organization:${org}`),
    initiator_id: SANDBOX_USER.id,
    input: { workspace_build_id: stableUuid(`build:${seed}`) },
    type: 'workspace_build',
    available_workers: [],
    metadata: {
      template_version_name: 'v3',
      template_id: stableUuid(`template:${org}:ai-workshop`),
      template_name: 'ai-workshop',
      template_display_name: 'AI Workshop',
      template_icon: '/icon/coder.svg',
      workspace_id: stableUuid(`workspace:${seed}`),
      workspace_name: `${status === 'pending' ? 'queued' : 'building'}-${i + 1}`,
    },
    logs_overflowed: false,
  };
}

/** A workspace build's job as the organization's job list shows it (with its workspace and template). */
function buildJob(ws: SimWorkspace, build: SimBuild, view: JsonView) {
  const template = view.template(ws.templateId);
  return {
    ...jobJson(build.job, view),
    input: { workspace_build_id: build.id },
    type: 'workspace_build',
    available_workers: [],
    metadata: {
      template_version_name: template?.activeVersionName ?? '',
      template_id: ws.templateId,
      template_name: template?.name ?? '',
      template_display_name: template?.displayName ?? '',
      template_icon: '/icon/k8s.png',
      workspace_id: ws.id,
      workspace_name: ws.name,
    },
  };
}

/** Every job of an organization: the control API's queue and the workspace builds. */
function jobsFor(org: string, ctx: ProbeContext, facts: WorldFacts, nowMs: number): ListedJob[] {
  const view = jsonView(ctx, nowMs);
  const queue = view.queue(org);
  const pending = ctx.state.pendingJobs.get(org) ?? 0;
  const ready = facts.provisioners.find((p) => p.org === org)?.ready ?? 0;
  const running = pending > 0 ? Math.max(0, ready - ctx.state.workspaces.runningWorkers(org).size) : 0;
  return [
    ...Array.from({ length: pending }, (_, i) => syntheticJob(org, i, 'pending', queue, nowMs)),
    ...Array.from({ length: running }, (_, i) => syntheticJob(org, i, 'running', queue, nowMs)),
    ...ctx.state.workspaces.jobsOf(org).map(({ ws, build }) => buildJob(ws, build, view)),
  ].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** `GET /api/v2/organizations/{organization}/provisionerjobs` (newest first, like coderd). */
export function listProvisionerJobs(url: URL, orgParam: string, ctx: ProbeContext, facts: WorldFacts): Reply {
  const org = resolveOrganization(orgParam, ctx);
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
  const jobs = jobsFor(org, ctx, facts, syncWorkspaces(ctx))
    .filter((j) => query.statuses.length === 0 || query.statuses.includes(j.status))
    .filter((j) => query.ids.length === 0 || query.ids.includes(j.id))
    .filter((j) => Object.entries(query.tags).every(([k, v]) => j.tags[k] === v));
  return coderJson(200, query.limit > 0 ? jobs.slice(0, query.limit) : jobs);
}
