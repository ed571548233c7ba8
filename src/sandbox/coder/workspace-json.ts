import { stableUuid } from './coder-http.js';
import type { PendingQueue } from './provisioner-queue.js';
import { SANDBOX_USER } from './sandbox-user.js';
import {
  buildStatus,
  jobStatus,
  latestBuild,
  type SimAgent,
  type SimBuild,
  type SimJob,
  type SimTemplate,
  type SimWorkspace,
} from './workspace-model.js';

/** What the converters need besides the rows: the clock, the queue, the daemons and the version. */
export interface JsonView {
  now: number;
  queue(org: string): PendingQueue;
  readyDaemons(org: string): number;
  /** Coder version the agents report. */
  version: string;
  template(id: string): SimTemplate | undefined;
}

function iso(ms: number): string;
function iso(ms: number | undefined): string | undefined;
function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
const orgId = (org: string) => stableUuid(`organization:${org}`);
const JOB_TAGS = { owner: '', scope: 'organization' };

/** codersdk.Template. */
export function templateJson(t: SimTemplate) {
  const stats = { P50: 42_000, P95: 95_000 };
  return {
    id: t.id,
    created_at: iso(t.createdAt),
    updated_at: iso(t.createdAt),
    organization_id: orgId(t.org),
    organization_name: t.org,
    organization_display_name: t.org === 'default' ? 'Coder' : t.org,
    organization_icon: '',
    name: t.name,
    display_name: t.displayName,
    provisioner: 'terraform',
    active_version_id: t.activeVersionId,
    active_user_count: 0,
    build_time_stats: { start: stats, stop: stats, delete: stats },
    description: `${t.displayName} workspaces on ai.coder.com`,
    deprecated: false,
    deprecation_message: '',
    icon: '/icon/k8s.png',
    default_ttl_ms: 8 * 3600_000,
    activity_bump_ms: 3600_000,
    autostop_requirement: { days_of_week: [], weeks: 1 },
    autostart_requirement: {
      days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
    },
    created_by_id: SANDBOX_USER.id,
    created_by_name: SANDBOX_USER.username,
    allow_user_autostart: true,
    allow_user_autostop: true,
    allow_user_cancel_workspace_jobs: true,
    failure_ttl_ms: 0,
    time_til_dormant_ms: 0,
    time_til_dormant_autodelete_ms: 0,
    require_active_version: false,
    max_port_share_level: 'public',
    cors_behavior: 'simple',
    use_classic_parameter_flow: false,
  };
}

/** codersdk.ProvisionerJob as a build embeds it. */
export function jobJson(job: SimJob, view: JsonView) {
  const status = jobStatus(job);
  const queue = status === 'pending' ? view.queue(job.org) : undefined;
  return {
    id: job.id,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
    canceled_at: iso(job.canceledAt),
    error: job.error,
    status,
    worker_id: job.worker === undefined ? undefined : stableUuid(`provisioner:${job.org}:${job.worker}`),
    worker_name: job.worker === undefined ? undefined : `coder-provisioner-${job.org}-${job.worker}`,
    file_id: job.fileId,
    tags: JOB_TAGS,
    queue_position: queue?.positions.get(job.id) ?? 0,
    queue_size: queue?.size ?? 0,
    organization_id: orgId(job.org),
    initiator_id: SANDBOX_USER.id,
    logs_overflowed: false,
  };
}

function agentState(agent: SimAgent, now: number) {
  if (now < agent.connectAt) return { status: 'connecting', lifecycle: 'created' };
  if (now < agent.readyAt) return { status: 'connected', lifecycle: 'starting' };
  return { status: 'connected', lifecycle: agent.startError ? 'start_error' : 'ready' };
}

/** codersdk.WorkspaceAgent, its status and lifecycle read off the sandbox clock. */
export function agentJson(agent: SimAgent, view: JsonView) {
  const { status, lifecycle } = agentState(agent, view.now);
  const connected = status === 'connected';
  const reason =
    status === 'connecting'
      ? 'agent has not yet connected'
      : lifecycle === 'start_error'
        ? 'agent startup script exited with an error'
        : undefined;
  return {
    id: agent.id,
    parent_id: null,
    created_at: iso(agent.createdAt),
    updated_at: iso(Math.min(view.now, agent.readyAt)),
    first_connected_at: connected ? iso(agent.connectAt) : undefined,
    last_connected_at: connected ? iso(view.now) : undefined,
    started_at: connected ? iso(agent.connectAt) : undefined,
    ready_at: lifecycle === 'ready' || lifecycle === 'start_error' ? iso(agent.readyAt) : undefined,
    status,
    lifecycle_state: lifecycle,
    name: 'main',
    resource_id: agent.resourceId,
    instance_id: '',
    architecture: 'amd64',
    environment_variables: {},
    operating_system: 'linux',
    logs_length: 0,
    logs_overflowed: false,
    directory: '',
    expanded_directory: connected ? '/home/coder' : '',
    version: connected ? view.version : '',
    api_version: connected ? '2.6' : '',
    apps: [],
    latency: {},
    connection_timeout_seconds: 120,
    troubleshooting_url: 'https://coder.com/docs/admin/templates/troubleshooting',
    subsystems: [],
    health: reason === undefined ? { healthy: true } : { healthy: false, reason },
    display_apps: ['vscode', 'web_terminal', 'ssh_helper', 'port_forwarding_helper'],
    log_sources: [],
    scripts: [],
    startup_script_behavior: 'non-blocking',
  };
}

function resources(build: SimBuild, view: JsonView) {
  if (!build.agent) return [];
  return [
    {
      id: build.agent.resourceId,
      created_at: iso(build.agent.createdAt),
      job_id: build.job.id,
      workspace_transition: build.transition,
      type: 'kubernetes_deployment',
      name: 'main',
      hide: false,
      icon: '',
      agents: [agentJson(build.agent, view)],
      metadata: [],
      daily_cost: 0,
    },
  ];
}

/** codersdk.WorkspaceBuild. */
export function buildJson(ws: SimWorkspace, build: SimBuild, view: JsonView) {
  const template = view.template(ws.templateId);
  const ready = view.readyDaemons(ws.org);
  return {
    id: build.id,
    created_at: iso(build.createdAt),
    updated_at: iso(build.job.completedAt ?? build.job.startedAt ?? build.createdAt),
    workspace_id: ws.id,
    workspace_name: ws.name,
    workspace_owner_id: SANDBOX_USER.id,
    workspace_owner_name: SANDBOX_USER.username,
    workspace_owner_avatar_url: SANDBOX_USER.avatarUrl,
    template_version_id: template?.activeVersionId,
    template_version_name: template?.activeVersionName,
    build_number: build.number,
    transition: build.transition,
    initiator_id: SANDBOX_USER.id,
    initiator_name: SANDBOX_USER.username,
    job: jobJson(build.job, view),
    reason: 'initiator',
    resources: resources(build, view),
    status: buildStatus(build),
    daily_cost: 0,
    matched_provisioners: {
      count: ready,
      available: ready,
      ...(ready > 0 ? { most_recently_seen: iso(view.now) } : {}),
    },
  };
}

/** codersdk.Workspace. */
export function workspaceJson(ws: SimWorkspace, view: JsonView) {
  const template = view.template(ws.templateId);
  const latest = buildJson(ws, latestBuild(ws), view);
  const agents = latest.resources.flatMap((r) => r.agents);
  const failing = agents.filter((a) => !a.health.healthy).map((a) => a.id);
  return {
    id: ws.id,
    created_at: iso(ws.createdAt),
    updated_at: latest.updated_at,
    owner_id: SANDBOX_USER.id,
    owner_name: SANDBOX_USER.username,
    owner_avatar_url: SANDBOX_USER.avatarUrl,
    organization_id: orgId(ws.org),
    organization_name: ws.org,
    template_id: ws.templateId,
    template_name: template?.name,
    template_display_name: template?.displayName,
    template_icon: '/icon/k8s.png',
    template_allow_user_cancel_workspace_jobs: true,
    template_active_version_id: template?.activeVersionId,
    template_require_active_version: false,
    template_use_classic_parameter_flow: false,
    latest_build: latest,
    latest_app_status: null,
    outdated: false,
    name: ws.name,
    ttl_ms: 8 * 3600_000,
    last_used_at: iso(ws.createdAt),
    deleting_at: null,
    dormant_at: null,
    health: { healthy: failing.length === 0, failing_agents: failing },
    automatic_updates: 'never',
    allow_renames: false,
    favorite: false,
    next_start_at: null,
    is_prebuild: false,
  };
}
