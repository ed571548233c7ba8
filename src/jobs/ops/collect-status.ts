import { shortFailure } from '../../errors/short-failure.js';
import type { ImageStatus } from '../../images/image-status.js';
import { readImageStatus } from '../../images/read-image-status.js';
import type { Environment } from '../../inventory/schema.js';
import { scopedSignal } from '../../ports/call-options.js';
import type { Clusters, DeploymentState } from '../../ports/clusters.js';
import type { DnsProvider, DnsRecordState } from '../../ports/dns-provider.js';
import type { Registry } from '../../ports/registry.js';
import { type Logger, silentLogger } from '../../queue/logger.js';
import { type Settled, settleWithin } from '../settle-within.js';

export interface DeploymentStatus {
  target: string;
  cluster: string;
  namespace: string;
  name: string;
  inventoryDefault: number;
  live?: DeploymentState;
  /** Short, class-based text (see shortFailure); the raw error goes to the logs only. */
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
  /** Every inventory image against its source and mirror (absent where no registry is configured). */
  images?: ImageStatus[];
  unreachableClusters: string[];
}

export const NOT_FOUND = 'not found in the cluster';

/**
 * Reads every deployment and DNS record of the environment in parallel. Each call has its own
 * deadline, so one unreachable cluster is reported as such while the others still answer.
 */
export async function collectStatus(
  env: Environment,
  deps: { clusters: Clusters; dns: DnsProvider; registry?: Registry | undefined },
  opts: { timeoutMs?: number; log?: Logger; signal?: AbortSignal } = {},
): Promise<StatusReport> {
  const timeoutMs = opts.timeoutMs ?? 8000;
  // Reads that missed their deadline are cancelled once the report is made, not left running behind it.
  const scope = scopedSignal(opts.signal);
  return collect(env, deps, {
    timeoutMs,
    signal: scope.signal,
    ...(opts.log ? { log: opts.log } : {}),
  }).finally(scope.finish);
}

async function collect(
  env: Environment,
  deps: { clusters: Clusters; dns: DnsProvider; registry?: Registry | undefined },
  opts: { timeoutMs: number; log?: Logger; signal: AbortSignal },
): Promise<StatusReport> {
  const { timeoutMs, signal } = opts;
  const failure = (where: string, result: Extract<Settled<unknown>, { ok: false }>) => {
    (opts.log ?? silentLogger).warn({ err: result.cause, env: env.name, where }, 'status read failed');
    return shortFailure(result.cause);
  };
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
        deps.clusters.client(d.cluster).getDeployment(d.namespace, d.name, { signal }),
        timeoutMs,
      );
      if (!result.ok) return { ...base, error: failure(`${d.cluster} ${d.namespace}/${d.name}`, result) };
      if (!result.value) return { ...base, error: NOT_FOUND };
      return { ...base, live: result.value };
    }),
  );
  const dnsP = Promise.all(
    env.dns.zones.map(async (zone) => {
      const result = await settleWithin(deps.dns.listRecords(zone.name, undefined, { signal }), timeoutMs);
      if (!result.ok) return { zone: zone.name, records: [], error: failure(`zone ${zone.name}`, result) };
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
  // Each registry and cluster read has the same deadline: a slow one is that image's "unreachable (timeout)".
  const imagesP = deps.registry
    ? readImageStatus({ registry: deps.registry, clusters: deps.clusters }, env, {
        timeoutMs,
        signal,
        onError: (err) =>
          (opts.log ?? silentLogger).warn({ err, env: env.name, where: 'images' }, 'status read failed'),
      })
    : undefined;
  const [deployments, dns, images] = await Promise.all([deploymentsP, dnsP, imagesP]);
  const unreachableClusters = [
    ...new Set(deployments.filter((d) => d.error && d.error !== NOT_FOUND).map((d) => d.cluster)),
  ];
  return {
    env: env.name,
    deployments,
    rotator: rotatorStatus(env, deployments),
    dns,
    ...(images ? { images } : {}),
    unreachableClusters,
  };
}

function rotatorStatus(env: Environment, deployments: DeploymentStatus[]): StatusReport['rotator'] {
  if (!env.rotation) return undefined;
  const d = deployments.find((x) => x.target === env.rotation?.deployment);
  if (!d?.live) return { target: env.rotation.deployment, state: 'unknown', detail: d?.error ?? 'not found' };
  return d.live.desired === 0
    ? { target: d.target, state: 'paused', detail: 'scaled to 0' }
    : { target: d.target, state: 'running', detail: `${d.live.ready}/${d.live.desired} ready` };
}
