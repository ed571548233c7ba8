import type { Probe } from '../../inventory/schema.js';
import { CoderClient, type CoderResult } from './coder-client.js';
import { BuildInfo } from './coder-schemas.js';

export interface CoderEndpoints {
  /** Probe id → base URL overriding the inventory's (`PROBE_URL_<ID>`; the sandbox uses them). */
  urls?: Record<string, string> | undefined;
  /** Every inventory probe: a proxy's `dashboard_url` is mapped back to one (and its override). */
  probes?: Probe[] | undefined;
  token: string | undefined;
  requestTimeoutMs: number;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/** Where a probe answers: its override, else the inventory URL. */
export function probeBase(probe: Probe, endpoints: CoderEndpoints): string {
  return trim(endpoints.urls?.[probe.id] ?? probe.url);
}

/**
 * The REST API for a probe. A workspace proxy serves only terminals and apps, so its region's
 * workspaces are created through the control plane its `/api/v2/buildinfo` names; asking also
 * checks the proxy answers at all.
 */
export async function resolveCoderApi(
  probe: Probe,
  endpoints: CoderEndpoints,
  signal?: AbortSignal,
): Promise<CoderResult<CoderClient>> {
  const own = probeBase(probe, endpoints);
  const client = (base: string, probeId: string) =>
    new CoderClient({ base, probeId, token: endpoints.token, requestTimeoutMs: endpoints.requestTimeoutMs });
  const info = await client(own, probe.id).get('/api/v2/buildinfo', BuildInfo, signal);
  if (!info.ok) return info;
  if (!info.data.workspace_proxy) return { ok: true, status: info.status, data: client(own, probe.id) };
  const dashboard = trim(info.data.dashboard_url);
  const primary = endpoints.probes?.find((p) => trim(p.url) === dashboard);
  const base = primary ? probeBase(primary, endpoints) : dashboard;
  return { ok: true, status: info.status, data: client(base, primary?.id ?? dashboard) };
}
