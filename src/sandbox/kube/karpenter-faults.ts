import type { ClusterSim } from './cluster-sim.js';
import { outOfBand } from './deployment-ops.js';
import { NODE_CLASS_REF } from './seed-nodes.js';
import type { KubeObject } from './types.js';
import { kubeTime } from './types.js';

const CONTROLLER = { namespace: 'karpenter', name: 'karpenter', replicas: 2 };
const STUCK_FOR_MS = 20 * 60_000;

/** Karpenter's controller scaled to 0 (a bad upgrade, someone's `kubectl scale`), or back to 2. */
export function stopKarpenter(sim: ClusterSim, stopped: boolean): void {
  outOfBand(
    sim,
    CONTROLLER.namespace,
    CONTROLLER.name,
    'kubectl',
    (d) => {
      d.spec.replicas = stopped ? 0 : CONTROLLER.replicas;
    },
    { 'f:spec': { 'f:replicas': {} } },
  );
}

/**
 * A NodeClaim Karpenter could not launch (no capacity for its instance types): it has waited 20 minutes
 * with Launched=False and no node, as `kubectl get nodeclaims` shows such claims. Returns its name.
 */
export function addStuckNodeClaim(sim: ClusterSim, pool: string): string {
  const nodePool = sim.store.get('nodepools.karpenter.sh', undefined, pool);
  if (!nodePool) throw new Error(`NodePool "${pool}" not found in cluster ${sim.info.id}`);
  const created = kubeTime(sim.clock.now() - STUCK_FOR_MS);
  const name = `${pool}-${sim.rng.suffix(5)}`;
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: created,
  });
  const claim: KubeObject = {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodeClaim',
    metadata: {
      name,
      creationTimestamp: created,
      labels: { 'karpenter.sh/nodepool': pool, 'karpenter.sh/capacity-type': 'on-demand' },
      finalizers: ['karpenter.sh/termination'],
      ownerReferences: [
        {
          apiVersion: 'karpenter.sh/v1',
          kind: 'NodePool',
          name: pool,
          uid: nodePool.metadata.uid ?? '',
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeClassRef: NODE_CLASS_REF,
      expireAfter: '720h',
      requirements: [
        { key: 'karpenter.sh/nodepool', operator: 'In', values: [pool] },
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m6i.4xlarge', 'm6i.8xlarge'] },
      ],
      resources: { requests: { cpu: '4', memory: '16Gi', pods: '12' } },
    },
    status: {
      conditions: [
        condition(
          'Launched',
          'False',
          'InsufficientCapacityError',
          'creating instance, insufficient capacity, all requested instance types were unavailable during launch',
        ),
        condition('Registered', 'Unknown', 'AwaitingReconciliation', 'object is awaiting reconciliation'),
        condition('Initialized', 'Unknown', 'AwaitingReconciliation', 'object is awaiting reconciliation'),
        condition('Ready', 'False', 'NotLaunched', 'Launched=False'),
      ],
    },
  };
  sim.store.create('nodeclaims.karpenter.sh', claim);
  return name;
}
