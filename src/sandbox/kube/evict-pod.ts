import type { ClusterSim } from './cluster-sim.js';
import { conditionsOf, setCondition, setReadiness } from './pod-state.js';
import type { Pod } from './types.js';

/**
 * Node-pressure eviction by the kubelet: the pod stays visible as Failed/Evicted (its owner, if any,
 * replaces it); a bare workspace pod is simply gone, with its node-local state.
 */
export function evictPod(sim: ClusterSim, namespace: string, name: string): void {
  const pod = sim.store.get<Pod>('pods', namespace, name);
  if (!pod) throw new Error(`pod ${namespace}/${name} not found in cluster ${sim.info.id}`);
  const now = sim.now();
  const c = pod.spec.containers[0];
  const message = `The node was low on resource: ephemeral-storage. Threshold quantity: 10%, available: 9654Mi. Container ${c?.name ?? 'main'} was using 14Gi, request is 0, has larger consumption of ephemeral-storage. `;
  sim.store.mutate<Pod>('pods', namespace, name, (p) => {
    p.status.phase = 'Failed';
    p.status.reason = 'Evicted';
    p.status.message = message;
    setReadiness(p, false, now);
    setCondition(conditionsOf(p), 'DisruptionTarget', 'True', now, 'TerminationByKubelet', message.trim());
    for (const cs of p.status.containerStatuses ?? []) {
      const startedAt = cs.state.running?.startedAt ?? now;
      cs.state = {
        terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', startedAt, finishedAt: now },
      };
      cs.started = false;
    }
  });
  sim.event(pod, 'Warning', 'Evicted', message.trim(), {
    component: 'kubelet',
    host: pod.spec.nodeName ?? '',
  });
  sim.kick();
}
