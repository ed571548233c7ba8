import { stableUuid, versionForDigest } from './coder-http.js';
import type { ProbeContext, WorldFacts } from './types.js';
import {
  type HealthMessage,
  type Severity,
  workspaceProxies,
  workspaceProxyReport,
} from './workspace-proxies.js';

const RANK: Record<Severity, number> = { ok: 0, warning: 1, error: 2 };
const PSK_KEY_ID = '00000000-0000-0000-0000-000000000003';
export const PROVISIONER_API_VERSION = '1.9';
export const DATABASE_DOWN = 'dial tcp 10.0.12.34:5432: connect: connection refused';

interface BaseSection {
  severity: Severity;
  warnings: HealthMessage[];
  dismissed: boolean;
  error?: string;
}

function ok<T extends object>(extra: T): BaseSection & { healthy: true } & T {
  return { healthy: true, severity: 'ok', warnings: [], dismissed: false, ...extra };
}

function databaseSection(failing: boolean) {
  if (!failing) return ok({ reachable: true, latency: '1.318ms', latency_ms: 1, threshold_ms: 15 });
  return {
    healthy: false,
    severity: 'error' as const,
    warnings: [],
    dismissed: false,
    error: `EDB01: ping database: ${DATABASE_DOWN}`,
    reachable: false,
    latency: '',
    latency_ms: 0,
    threshold_ms: 15,
  };
}

function derpSection() {
  const region = {
    EmbeddedRelay: true,
    RegionID: 999,
    RegionCode: 'coder',
    RegionName: 'Coder Embedded Relay',
    Nodes: [],
  };
  return ok({
    regions: { '999': { healthy: true, severity: 'ok', warnings: [], region, node_reports: [] } },
    netcheck_logs: [],
  });
}

/** One connected daemon per ready provisioner replica; busy while its organization has a queue or it runs a build. */
export function provisionerDaemons(ctx: ProbeContext, facts: WorldFacts, now: string, version: string) {
  return facts.provisioners.flatMap(({ org, ready }) => {
    const building = ctx.state.workspaces.runningWorkers(org);
    return Array.from({ length: ready }, (_, i) => ({
      id: stableUuid(`provisioner:${org}:${i}`),
      organization_id: stableUuid(`organization:${org}`),
      key_id: PSK_KEY_ID,
      created_at: new Date(ctx.state.startedAt).toISOString(),
      last_seen_at: now,
      name: `coder-provisioner-${org}-${i}`,
      version,
      api_version: PROVISIONER_API_VERSION,
      provisioners: ['terraform'],
      tags: { owner: '', scope: 'organization' },
      key_name: 'psk',
      status: (ctx.state.pendingJobs.get(org) ?? 0) > 0 || building.has(i) ? 'busy' : 'idle',
      current_job: null,
      previous_job: null,
    }));
  });
}

function provisionerSection(daemons: ReturnType<typeof provisionerDaemons>) {
  const items = daemons.map((d) => ({ provisioner_daemon: d, warnings: [] }));
  if (items.length > 0) return { severity: 'ok' as const, warnings: [], dismissed: false, items };
  return {
    severity: 'error' as const,
    warnings: [{ code: 'EPD01', message: 'No active provisioner daemons found!' }],
    dismissed: false,
    items,
  };
}

/** `healthsdk.HealthcheckReport` for `GET /api/v2/debug/health`, derived from the live facts. */
export function buildHealthReport(ctx: ProbeContext, facts: WorldFacts, nowMs: number) {
  const now = new Date(nowMs).toISOString();
  const version = versionForDigest(ctx.opts.coderVersion, facts.controlPlaneImageDigest);
  const accessUrl = ctx.probe.url.replace(/\/+$/, '');
  const regions = workspaceProxies({
    primary: ctx.primary,
    probes: ctx.opts.probes,
    facts,
    coderVersion: ctx.opts.coderVersion,
    now,
    createdAt: new Date(ctx.state.startedAt).toISOString(),
  });
  const sections = {
    derp: derpSection(),
    access_url: ok({ access_url: accessUrl, reachable: true, status_code: 200, healthz_response: 'OK' }),
    websocket: ok({ body: '', code: 101 }),
    database: databaseSection(ctx.state.databaseFailing),
    workspace_proxy: workspaceProxyReport(regions),
    provisioner_daemons: provisionerSection(provisionerDaemons(ctx, facts, now, version)),
  };
  const severity = Object.values(sections)
    .filter((s) => !s.dismissed)
    .reduce<Severity>((worst, s) => (RANK[s.severity] > RANK[worst] ? s.severity : worst), 'ok');
  return { time: now, healthy: severity !== 'error', severity, ...sections, coder_version: version };
}
