import type { ClusterSim } from './cluster-sim.js';
import { terminatePod } from './terminate-pod.js';
import type { KubeObject, Pod } from './types.js';

/** Uids of owners deleted through the API, per cluster: their dependents are collected. */
const deletedOwners = new WeakMap<ClusterSim, Set<string>>();

export function ownerDeleted(sim: ClusterSim, uid: string | undefined): void {
  if (!uid) return;
  const set = deletedOwners.get(sim) ?? new Set<string>();
  set.add(uid);
  deletedOwners.set(sim, set);
}

function ownedByDeleted(obj: KubeObject, deleted: Set<string>): boolean {
  return obj.metadata.ownerReferences?.some((o) => deleted.has(o.uid)) ?? false;
}

/**
 * The garbage collector (Background propagation) for owners deleted through the API: their
 * ReplicaSets are deleted, and the pods of those are deleted gracefully. Only dependents of a deleted
 * owner are touched, so objects whose owner the simulator never stored are left alone.
 */
export function collectGarbage(sim: ClusterSim): void {
  const deleted = deletedOwners.get(sim);
  if (!deleted?.size) return;
  for (const rs of [...sim.store.peek('replicasets.apps')]) {
    if (!ownedByDeleted(rs, deleted)) continue;
    ownerDeleted(sim, rs.metadata.uid);
    sim.store.delete('replicasets.apps', rs.metadata.namespace, rs.metadata.name);
  }
  for (const pod of [...sim.store.peek<Pod>('pods')])
    if (ownedByDeleted(pod, deleted) && !pod.metadata.deletionTimestamp) terminatePod(sim, pod);
}
