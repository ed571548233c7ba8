import { findTarget } from '../changes/scale/resolve-targets.js';
import type { Environment } from '../inventory/schema.js';
import type { CallOptions } from '../ports/call-options.js';
import type { Clusters } from '../ports/clusters.js';
import type { WorkshopTarget } from './workshop-record.js';

/** Desired and ready replicas of each target now (a missing deployment reads as 0). */
export async function liveReplicas(
  clusters: Clusters,
  env: Environment,
  targets: WorkshopTarget[],
  options: CallOptions = {},
): Promise<Map<string, { desired: number; ready: number }>> {
  const rows = await Promise.all(
    targets.map(async (t) => {
      const d = findTarget(env, t.target);
      const live = await clusters.client(d.cluster).getDeployment(d.namespace, d.name, options);
      return [t.target, { desired: live?.desired ?? 0, ready: live?.ready ?? 0 }] as const;
    }),
  );
  return new Map(rows);
}
