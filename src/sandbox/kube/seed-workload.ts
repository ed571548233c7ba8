import type { ClusterSim } from './cluster-sim.js';
import { defaultDeployment } from './defaults.js';
import { templateHash } from './deployment-controller.js';
import { makePod, settlePod } from './make-pod.js';
import { trackUpdate } from './managed-fields.js';
import { schedulePod } from './scheduler.js';
import {
  type Container,
  clone,
  type Deployment,
  kubeTime,
  type NodeObject,
  type OwnerReference,
  type Pod,
  type PodTemplate,
  type ReplicaSet,
  type Toleration,
} from './types.js';

const DAY = 86_400_000;

export interface WorkloadSeed {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  replicas: number;
  containers: Container[];
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  ageDays: number;
  /** The field manager of the install (default `kubectl-client-side-apply`). */
  manager?: string;
}

/** Binds a new pod to the node the scheduler picks and marks it Running (seeding only). */
export function placeSettled(sim: ClusterSim, pod: Pod, startedMs: number): Pod {
  const nodes = [...sim.store.peek<NodeObject>('nodes')];
  const result = schedulePod(pod, nodes, [...sim.store.peek<Pod>('pods')]);
  if ('node' in result) {
    const ip = result.node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    settlePod(sim, pod, result.node.metadata.name, ip, startedMs);
  }
  return sim.store.create('pods', pod);
}

/** The Deployment's current ReplicaSet (revision 1) with its pods Running on the nodes the scheduler picks. */
function seedReplicaSet(sim: ClusterSim, d: Deployment, w: WorkloadSeed): void {
  const hash = templateHash(d.spec.template);
  const template = clone(d.spec.template);
  template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
  const created = sim.clock.now() - Math.min(w.ageDays, 2 + sim.rng.int(5)) * DAY - sim.rng.int(DAY);
  const rs = sim.store.create<ReplicaSet>('replicasets.apps', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${w.name}-${hash}`,
      namespace: w.namespace,
      creationTimestamp: kubeTime(created),
      labels: { ...template.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(w.replicas),
        'deployment.kubernetes.io/max-replicas': String(w.replicas + Math.ceil(w.replicas / 4)),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [ownerRef('apps/v1', 'Deployment', d)],
    },
    spec: { replicas: w.replicas, selector: { matchLabels: { ...template.metadata.labels } }, template },
    status: { replicas: 0 },
  });
  for (let i = 0; i < w.replicas; i++) {
    const pod = makePod(sim, template, {
      namespace: w.namespace,
      generateName: `${rs.metadata.name}-`,
      owner: ownerRef('apps/v1', 'ReplicaSet', rs),
    });
    placeSettled(sim, pod, created + 5_000 + sim.rng.int(60_000));
  }
}

/** A Deployment that has been running for a while: its ReplicaSet and Ready pods already in place. */
export function seedDeployment(sim: ClusterSim, w: WorkloadSeed): Deployment {
  const now = sim.clock.now();
  const template: PodTemplate = {
    metadata: { labels: { ...w.selector } },
    spec: {
      containers: w.containers,
      ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
      ...(w.tolerations ? { tolerations: w.tolerations } : {}),
    },
  };
  const created = kubeTime(now - w.ageDays * DAY);
  const manifest: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.name,
      namespace: w.namespace,
      creationTimestamp: created,
      labels: { ...w.labels },
    },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { ...w.selector } },
      template,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
  defaultDeployment(manifest);
  // Whoever installed it owns the spec it wrote (as `kubectl get --show-managed-fields` tells).
  trackUpdate(
    undefined,
    manifest,
    { manager: w.manager ?? 'kubectl-client-side-apply', apiVersion: 'apps/v1' },
    created,
  );
  manifest.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
  const d = sim.store.create<Deployment>('deployments.apps', manifest);
  seedReplicaSet(sim, d, w);
  return d;
}

export function ownerRef(
  apiVersion: string,
  kind: string,
  obj: { metadata: { name: string; uid?: string } },
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
