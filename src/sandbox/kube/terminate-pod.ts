import type { ClusterSim } from './cluster-sim.js';
import type { Pod } from './types.js';

/** Graceful deletion: sets deletionTimestamp (the pod shows as Terminating); the kubelet removes it next step. */
export function terminatePod(sim: ClusterSim, pod: Pod): Pod | undefined {
  if (pod.metadata.deletionTimestamp) return pod;
  const grace = Number(pod.spec.terminationGracePeriodSeconds ?? 30);
  const updated = sim.store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
    p.metadata.deletionTimestamp = new Date(sim.clock.now() + grace * 1000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    p.metadata.deletionGracePeriodSeconds = grace;
  });
  if (updated?.spec.nodeName) {
    for (const c of updated.spec.containers)
      sim.event(updated, 'Normal', 'Killing', `Stopping container ${c.name}`, {
        component: 'kubelet',
        host: updated.spec.nodeName,
        fieldPath: `spec.containers{${c.name}}`,
      });
  }
  sim.kick();
  return updated;
}
