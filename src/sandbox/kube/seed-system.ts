import type { ClusterSim } from './cluster-sim.js';
import { makePod, settlePod } from './make-pod.js';
import { ownerRef, seedDeployment } from './seed-workload.js';
import type { Container, KubeObject, NodeObject } from './types.js';
import { kubeTime } from './types.js';

const DAY = 86_400_000;
const TOLERATE_ALL = [{ operator: 'Exists' as const }];

function ecr(region: string, path: string): string {
  return `602401143452.dkr.ecr.${region}.amazonaws.com/${path}`;
}

function daemonSet(sim: ClusterSim, name: string, labels: Record<string, string>, c: Container): void {
  const nodes = sim.store.peek<NodeObject>('nodes');
  const n = nodes.length;
  const template = {
    metadata: { labels },
    spec: { containers: [c], tolerations: TOLERATE_ALL, priorityClassName: 'system-node-critical' },
  };
  const ds = sim.store.create<KubeObject>('daemonsets.apps', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name,
      namespace: 'kube-system',
      creationTimestamp: kubeTime(sim.clock.now() - 150 * DAY),
      labels,
    },
    spec: {
      selector: { matchLabels: labels },
      template,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
    },
    status: {
      currentNumberScheduled: n,
      desiredNumberScheduled: n,
      numberAvailable: n,
      numberMisscheduled: 0,
      numberReady: n,
      observedGeneration: 1,
      updatedNumberScheduled: n,
    },
  });
  for (const node of nodes) {
    const pod = makePod(sim, template, {
      namespace: 'kube-system',
      generateName: `${name}-`,
      owner: ownerRef('apps/v1', 'DaemonSet', ds),
    });
    const ip = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    settlePod(sim, pod, node.metadata.name, ip, Date.parse(node.metadata.creationTimestamp ?? '') + 30_000);
    // Host-network daemons use the node's own IP.
    pod.status.podIP = ip;
    pod.status.podIPs = [{ ip }];
    sim.store.create('pods', pod);
  }
}

/** kube-system add-ons and the Karpenter controller, as on an EKS cluster. */
export function seedSystem(sim: ClusterSim): void {
  const region = sim.info.region;
  daemonSet(
    sim,
    'aws-node',
    { 'k8s-app': 'aws-node' },
    {
      name: 'aws-node',
      image: ecr(region, 'amazon-k8s-cni:v1.19.2-eksbuild.1'),
      resources: { requests: { cpu: '25m' } },
    },
  );
  daemonSet(
    sim,
    'kube-proxy',
    { 'k8s-app': 'kube-proxy' },
    {
      name: 'kube-proxy',
      image: ecr(region, 'eks/kube-proxy:v1.32.0-minimal-eksbuild.2'),
      resources: { requests: { cpu: '100m' } },
    },
  );
  seedDeployment(sim, {
    namespace: 'kube-system',
    name: 'coredns',
    labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
    selector: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
    replicas: 2,
    containers: [
      {
        name: 'coredns',
        image: ecr(region, 'eks/coredns:v1.11.4-eksbuild.2'),
        resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
      },
    ],
    ageDays: 150,
    manager: 'eks',
  });
  seedDeployment(sim, {
    namespace: 'karpenter',
    name: 'karpenter',
    labels: {
      'app.kubernetes.io/name': 'karpenter',
      'app.kubernetes.io/instance': 'karpenter',
      'app.kubernetes.io/managed-by': 'Helm',
    },
    selector: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' },
    replicas: 2,
    containers: [
      {
        name: 'controller',
        image: 'public.ecr.aws/karpenter/controller:1.3.3',
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
    ],
    ageDays: 120,
    manager: 'helm',
  });
}
