import type { ClusterSim } from './cluster-sim.js';
import { makePod, settlePod } from './make-pod.js';
import { formatCpu, parseQuantity } from './quantity.js';
import { nodeUsage } from './scheduler.js';
import { terminatePod } from './terminate-pod.js';
import type { NodeObject, Pod } from './types.js';

const FILLER_LABEL = 'batch-load';

/**
 * "No room on any node": a batch pod lands on each node and takes whatever CPU is left, so every
 * new pod stays Pending with `Insufficient cpu`. The cluster's accounting stays consistent.
 */
export function exhaustCapacity(sim: ClusterSim, on: boolean): void {
  const fillers = sim.pods('default').filter((p) => p.metadata.labels?.app === FILLER_LABEL);
  if (!on) {
    for (const p of fillers) terminatePod(sim, p);
    return;
  }
  if (fillers.length) return;
  const usage = nodeUsage([...sim.store.peek<Pod>('pods')]);
  for (const node of sim.store.peek<NodeObject>('nodes')) {
    const free = parseQuantity(node.status.allocatable.cpu) - (usage.get(node.metadata.name)?.cpu ?? 0);
    if (free <= 0.001) continue;
    const pod = makePod(
      sim,
      {
        metadata: { labels: { app: FILLER_LABEL } },
        spec: {
          containers: [
            {
              name: 'worker',
              image: 'public.ecr.aws/docker/library/busybox:1.37',
              command: ['sh', '-c', 'sleep infinity'],
              resources: { requests: { cpu: formatCpu(Math.floor(free * 1000) / 1000), memory: '256Mi' } },
            },
          ],
          tolerations: [{ operator: 'Exists' }],
        },
      },
      { namespace: 'default', generateName: `${FILLER_LABEL}-` },
    );
    const ip = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    sim.store.create('pods', settlePod(sim, pod, node.metadata.name, ip, sim.clock.now()));
  }
  sim.kick();
}
