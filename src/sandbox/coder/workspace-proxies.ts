import type { Probe } from '../../inventory/schema.js';
import { stableUuid, versionForDigest } from './coder-http.js';
import type { WorldFacts } from './types.js';

export type Severity = 'ok' | 'warning' | 'error';
export interface HealthMessage {
  code: string;
  message: string;
}

/** `codersdk.WorkspaceProxy` as `GET /api/v2/workspaceproxies` returns it. */
export interface WorkspaceProxy {
  id: string;
  name: string;
  display_name: string;
  icon_url: string;
  healthy: boolean;
  path_app_url: string;
  wildcard_hostname: string;
  derp_enabled: boolean;
  derp_only: boolean;
  status: {
    status: 'ok' | 'unreachable' | 'unhealthy' | 'unregistered';
    report: { errors: string[]; warnings: string[] };
    checked_at: string;
  };
  created_at: string;
  updated_at: string;
  deleted: boolean;
  version: string;
}

export interface ProxyInputs {
  primary: Probe | undefined;
  probes: Probe[];
  facts: WorldFacts;
  coderVersion: string;
  now: string;
  createdAt: string;
}

function displayName(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

function proxyUrl(id: string, inputs: ProxyInputs): string {
  const probe = inputs.probes.find((p) => p.id === id);
  if (probe) return probe.url.replace(/\/+$/, '');
  const primaryHost = inputs.primary ? new URL(inputs.primary.url).host : 'coder.example.com';
  return `https://${id}.${primaryHost}`;
}

function region(
  name: string,
  url: string,
  version: string,
  inputs: ProxyInputs,
): Omit<WorkspaceProxy, 'healthy' | 'status'> {
  return {
    id: stableUuid(`workspace-proxy:${name}`),
    name,
    display_name: name === 'primary' ? 'Default' : displayName(name),
    icon_url: name === 'primary' ? '/emojis/1f3e1.png' : '/emojis/1f310.png',
    path_app_url: url,
    wildcard_hostname: `*.${new URL(url).host}`,
    derp_enabled: true,
    derp_only: false,
    created_at: inputs.createdAt,
    updated_at: inputs.createdAt,
    deleted: false,
    version,
  };
}

/** The regions list: the primary (control plane) first, then each proxy from the facts. */
export function workspaceProxies(inputs: ProxyInputs): WorkspaceProxy[] {
  const primaryVersion = versionForDigest(inputs.coderVersion, inputs.facts.controlPlaneImageDigest);
  const primaryUrl = (inputs.primary?.url ?? 'https://coder.example.com').replace(/\/+$/, '');
  const ok = { status: 'ok' as const, report: { errors: [], warnings: [] }, checked_at: inputs.now };
  const primary: WorkspaceProxy = {
    ...region('primary', primaryUrl, primaryVersion, inputs),
    healthy: true,
    status: ok,
  };
  const proxies = inputs.facts.proxies.map((p): WorkspaceProxy => {
    const url = proxyUrl(p.id, inputs);
    const base = region(p.id, url, versionForDigest(inputs.coderVersion, p.imageDigest), inputs);
    if (p.healthy) return { ...base, healthy: true, status: ok };
    const error = `request to proxy failed: Get "${url}/healthz-report": dial tcp: connect: connection refused`;
    return {
      ...base,
      healthy: false,
      status: { status: 'unreachable', report: { errors: [error], warnings: [] }, checked_at: inputs.now },
    };
  });
  return [primary, ...proxies];
}

export interface WorkspaceProxyReport {
  healthy: boolean;
  severity: Severity;
  warnings: HealthMessage[];
  dismissed: boolean;
  error?: string;
  workspace_proxies: { regions: WorkspaceProxy[] };
}

/**
 * coderd's workspace proxy health check: all unhealthy → error, some → warning (EWP04, naming each
 * proxy); any version mismatch with the primary → error (EWP03). Here a version differs exactly when
 * the image digest differs from the control plane's.
 */
export function workspaceProxyReport(regions: WorkspaceProxy[]): WorkspaceProxyReport {
  const healthyCount = regions.filter((r) => r.healthy).length;
  let severity: Severity = healthyCount === regions.length ? 'ok' : healthyCount === 0 ? 'error' : 'warning';
  const problems = regions.flatMap((r) => r.status.report.errors.map((e) => `${r.name}: ${e}`));
  const warnings: HealthMessage[] = [];
  const errors: string[] = [];
  if (severity === 'error') errors.push(...problems.map((p) => `EWP04: ${p}`));
  else warnings.push(...problems.map((message) => ({ code: 'EWP04', message })));
  const primaryVersion = regions[0]?.version ?? '';
  for (const r of regions.slice(1)) {
    if (r.version === '' || r.version === primaryVersion) continue;
    severity = 'error';
    errors.push(
      `EWP03: proxy "${r.name}" version "${r.version}" does not match primary server version "${primaryVersion}"`,
    );
  }
  return {
    healthy: severity !== 'error',
    severity,
    warnings,
    dismissed: false,
    ...(errors.length > 0 ? { error: errors.join('\n') } : {}),
    workspace_proxies: { regions },
  };
}
