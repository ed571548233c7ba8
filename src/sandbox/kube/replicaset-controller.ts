import type { ClusterSim } from './cluster-sim.js';
import { makePod } from './make-pod.js';
import { isActive, isReady } from './pod-state.js';
import { terminatePod } from './terminate-pod.js';
import type { Pod, ReplicaSet } from './types.js';

/** Deletion preference of the ReplicaSet controller: unscheduled, then pending, then not ready, then newest. */
function deletionRank(p: Pod): [number, number, number, number] {
  return [
    p.spec.nodeName ? 1 : 0,
    p.status.phase === 'Pending' ? 0 : 1,
    isReady(p) ? 1 : 0,
    -Date.parse(p.metadata.creationTimestamp ?? ''),
  ];
}

function compareRank(a: Pod, b: Pod): number {
  const ra = deletionRank(a);
  const rb = deletionRank(b);
  for (let i = 0; i < ra.length; i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The ReplicaSet's pods, read-only views straight from the store. */
export function podsOf(sim: ClusterSim, rs: ReplicaSet): readonly Pod[] {
  return sim.store
    .peek<Pod>('pods', rs.metadata.namespace)
    .filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid));
}

/** Creates or deletes pods until the ReplicaSet's active pods match spec.replicas, then updates its status. */
export function syncReplicaSet(sim: ClusterSim, rs: ReplicaSet): void {
  const ns = rs.metadata.namespace ?? 'default';
  let active = podsOf(sim, rs).filter(isActive);
  const diff = rs.spec.replicas - active.length;
  if (diff > 0) {
    for (let i = 0; i < diff; i++) {
      const pod = sim.store.create(
        'pods',
        makePod(sim, rs.spec.template, {
          namespace: ns,
          generateName: `${rs.metadata.name}-`,
          owner: {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name,
            uid: rs.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        }),
      );
      sim.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, {
        component: 'replicaset-controller',
      });
    }
    sim.kick();
  } else if (diff < 0) {
    for (const victim of [...active].sort(compareRank).slice(0, -diff)) {
      terminatePod(sim, victim);
      sim.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${victim.metadata.name}`, {
        component: 'replicaset-controller',
      });
    }
  }
  active = podsOf(sim, rs).filter(isActive);
  const ready = active.filter(isReady).length;
  const current = sim.store
    .peek<ReplicaSet>('replicasets.apps', ns)
    .find((r) => r.metadata.name === rs.metadata.name);
  if (!current) return;
  // Zero counts are omitted on the wire (omitempty), except `replicas`.
  const status = {
    replicas: active.length,
    ...(active.length ? { fullyLabeledReplicas: active.length } : {}),
    ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
    observedGeneration: current.metadata.generation ?? 1,
  };
  if (JSON.stringify(status) === JSON.stringify(current.status)) return;
  sim.store.mutate<ReplicaSet>('replicasets.apps', ns, rs.metadata.name, (r) => {
    r.status = status;
  });
}
