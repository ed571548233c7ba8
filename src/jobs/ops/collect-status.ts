import type { Environment } from '../../inventory/schema.js';
import type { Clusters, DeploymentState } from '../../ports/clusters.js';
import type { DnsProvider, DnsRecordState } from '../../ports/dns-provider.js';
import { settleWithin } from '../settle-within.js';

export interface DeploymentStatus {
  target: string;
  cluster: string;
  namespace: string;
  name: string;
  inventoryDefault: number;
  live?: DeploymentState;
  error?: string;
}

export interface RecordStatus {
  name: string;
  type: string;
  expected: string;
  live: DnsRecordState[];
  matches: boolean;
}

export interface StatusReport {
  env: string;
  deployments: DeploymentStatus[];
  rotator?: { target: string; state: 'running' | 'paused' | 'unknown'; detail: string };
  dns: { zone: string; records: RecordStatus[]; error?: string }[];
  unreachableClusters: string[];
}

/**
 * Reads every deployment and DNS record of the environment in parallel. Each call has its own
 * deadline, so one unreachable cluster is reported as such while the others still answer.
 */
export async function collectStatus(
  env: Environment,
  deps: { clusters: Clusters; dns: DnsProvider },
  timeoutMs = 8000,
): Promise<StatusReport> {
  const deploymentsP = Promise.all(
    env.deployments.map(async (d): Promise<DeploymentStatus> => {
      const base = {
        target: d.target,
        cluster: d.cluster,
        namespace: d.namespace,
        name: d.name,
        inventoryDefault: d.replicas.default,
      };
      const result = await settleWithin(
        deps.clusters.client(d.cluster).getDeployment(d.namespace, d.name),
        timeoutMs,
      );
      if (!result.ok) return { ...base, error: result.error };
      if (!result.value) return { ...base, error: 'not found in the cluster' };
      return { ...base, live: result.value };
    }),
  );
  const dnsP = Promise.all(
    env.dns.zones.map(async (zone) => {
      const result = await settleWithin(deps.dns.listRecords(zone.name), timeoutMs);
      if (!result.ok) return { zone: zone.name, records: [], error: result.error };
      return {
        zone: zone.name,
        records: zone.records.map((want): RecordStatus => {
          const live = result.value.filter((r) => r.name === want.name && r.type === want.type);
          const matches =
            live.length === 1 && live[0]!.content === want.content && live[0]!.proxied === want.proxied;
          return { name: want.name, type: want.type, expected: want.content, live, matches };
        }),
      };
    }),
  );
  const [deployments, dns] = await Promise.all([deploymentsP, dnsP]);
  const unreachableClusters = [
    ...new Set(
      deployments.filter((d) => d.error && d.error !== 'not found in the cluster').map((d) => d.cluster),
    ),
  ];
  return { env: env.name, deployments, rotator: rotatorStatus(env, deployments), dns, unreachableClusters };
}

function rotatorStatus(env: Environment, deployments: DeploymentStatus[]): StatusReport['rotator'] {
  if (!env.rotation) return undefined;
  const d = deployments.find((x) => x.target === env.rotation?.deployment);
  if (!d?.live) return { target: env.rotation.deployment, state: 'unknown', detail: d?.error ?? 'not found' };
  return d.live.desired === 0
    ? { target: d.target, state: 'paused', detail: 'scaled to 0' }
    : { target: d.target, state: 'running', detail: `${d.live.ready}/${d.live.desired} ready` };
}
