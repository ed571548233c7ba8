import type { ClusterSim } from './cluster-sim.js';
import { seedRotationSecret } from './rotation-secret.js';
import { seedCredentialSecrets } from './seed-credentials.js';
import { seedInventoryDeployments } from './seed-inventory.js';
import { refreshNodePoolStatus, seedNodePools } from './seed-nodepools.js';
import { seedNodes } from './seed-nodes.js';
import { seedScale } from './seed-scale.js';
import { seedSystem } from './seed-system.js';
import type { Deployment, KubeObject } from './types.js';
import { kubeTime } from './types.js';
import { seedWorkspaces, WORKSPACE_NAMESPACE } from './workspaces.js';

const DAY = 86_400_000;

function namespace(sim: ClusterSim, name: string, ageDays: number): void {
  sim.store.create<KubeObject>('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: kubeTime(sim.clock.now() - ageDays * DAY),
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
}

/** Settled conditions carry the time of the last rollout, not the moment the sandbox started. */
function backdateConditions(sim: ClusterSim): void {
  for (const { obj } of sim.store.list<Deployment>('deployments.apps')) {
    const rs = sim.store
      .peek('replicasets.apps', obj.metadata.namespace)
      .find((r) => r.metadata.ownerReferences?.[0]?.uid === obj.metadata.uid);
    const at = kubeTime(Date.parse(rs?.metadata.creationTimestamp ?? sim.now()) + 90_000);
    sim.store.mutate<Deployment>('deployments.apps', obj.metadata.namespace, obj.metadata.name, (d) => {
      for (const c of d.status.conditions ?? []) {
        c.lastUpdateTime = at;
        c.lastTransitionTime = at;
      }
    });
  }
}

/** Builds the cluster's starting state from the inventory: healthy, settled, default scale. */
export function seedCluster(sim: ClusterSim): void {
  const env = sim.opts.env;
  const mine = env.deployments.filter((d) => d.cluster === sim.info.id);
  const namespaces = new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    'karpenter',
    ...mine.map((d) => d.namespace),
  ]);
  const controlPlane = sim.info.role === 'control-plane';
  if (controlPlane) namespaces.add(WORKSPACE_NAMESPACE);
  for (const ns of [...namespaces].sort())
    namespace(sim, ns, ns.startsWith('kube') || ns === 'default' ? 180 : 120);
  const poolUids = seedNodePools(sim);
  seedNodes(sim, poolUids);
  seedSystem(sim);
  seedInventoryDeployments(sim);
  if (controlPlane) seedWorkspaces(sim);
  const rotation = env.rotation;
  const rotator = env.deployments.find((d) => d.target === rotation?.deployment);
  if (rotation && rotator?.cluster === sim.info.id) {
    seedRotationSecret(
      sim,
      rotation.secret.namespace,
      rotation.secret.name,
      2 * 3_600_000 + sim.rng.int(600_000),
    );
  }
  seedCredentialSecrets(sim);
  seedScale(sim);
  sim.reconcile();
  backdateConditions(sim);
  refreshNodePoolStatus(sim);
}
