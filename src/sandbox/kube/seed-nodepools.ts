import type { ClusterSim } from './cluster-sim.js';
import { WORKSPACE_TAINT } from './instance-types.js';
import { formatKi, parseQuantity } from './quantity.js';
import { NODE_CLASS_REF } from './seed-nodes.js';
import type { KubeObject, NodeObject } from './types.js';
import { kubeTime } from './types.js';

const requirements = (families: string[]) => [
  { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
  { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
  { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: families },
];

function pool(name: string, created: string, spec: Record<string, unknown>): KubeObject {
  const cond = (type: string) => ({
    type,
    status: 'True',
    reason: type,
    message: '',
    lastTransitionTime: created,
    observedGeneration: 1,
  });
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: {
      name,
      creationTimestamp: created,
      annotations: {
        'karpenter.sh/nodepool-hash': '6821555240594823858',
        'karpenter.sh/nodepool-hash-version': 'v3',
      },
    },
    spec,
    status: { conditions: ['ValidationSucceeded', 'NodeClassReady', 'Ready'].map(cond), resources: {} },
  };
}

/** Karpenter NodePools: `default` everywhere, `workspaces` (tainted, consolidate only when empty) on the control plane. */
export function seedNodePools(sim: ClusterSim): Map<string, string> {
  const created = kubeTime(sim.clock.now() - 120 * 86_400_000);
  const controlPlane = sim.info.role === 'control-plane';
  const pools = [
    pool('default', created, {
      template: {
        spec: {
          nodeClassRef: NODE_CLASS_REF,
          expireAfter: '720h',
          requirements: requirements(['m6i', 'm7i', 'c6i']),
        },
      },
      disruption: {
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
        consolidateAfter: '1m',
        budgets: [{ nodes: '10%' }],
      },
      limits: controlPlane ? { cpu: '64', memory: '256Gi' } : { cpu: '32', memory: '128Gi' },
    }),
  ];
  if (controlPlane)
    pools.push(
      pool('workspaces', created, {
        template: {
          metadata: { labels: { 'coder.com/workspaces': 'true' } },
          spec: {
            nodeClassRef: NODE_CLASS_REF,
            expireAfter: '720h',
            requirements: requirements(['m6i']),
            taints: [{ ...WORKSPACE_TAINT }],
          },
        },
        // Workspaces keep node-local state: never consolidate a busy node, and at most one node at a time.
        disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '30m', budgets: [{ nodes: '1' }] },
        limits: { cpu: '32', memory: '128Gi' },
      }),
    );
  const uids = new Map<string, string>();
  for (const p of pools)
    uids.set(p.metadata.name, sim.store.create('nodepools.karpenter.sh', p).metadata.uid ?? '');
  return uids;
}

/** NodePool status.resources: the capacity of the nodes it owns (what `kubectl get nodepools` shows). */
export function refreshNodePoolStatus(sim: ClusterSim): void {
  const nodes = sim.store.peek<NodeObject>('nodes');
  for (const { obj } of sim.store.list('nodepools.karpenter.sh')) {
    const mine = nodes.filter((n) => n.metadata.labels?.['karpenter.sh/nodepool'] === obj.metadata.name);
    const total = (k: string) => mine.reduce((s, n) => s + parseQuantity(n.status.capacity[k]), 0);
    sim.store.mutate('nodepools.karpenter.sh', undefined, obj.metadata.name, (p) => {
      (p.status as Record<string, unknown>).resources = {
        cpu: String(total('cpu')),
        'ephemeral-storage': formatKi(total('ephemeral-storage')),
        memory: formatKi(total('memory')),
        nodes: String(mine.length),
        pods: String(total('pods')),
      };
    });
  }
}
