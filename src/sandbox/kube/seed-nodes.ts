import type { ClusterSim } from './cluster-sim.js';
import { type InstanceType, type NodePlan, nodePlan, ROOT_VOLUME } from './instance-types.js';
import type { KubeObject, NodeObject } from './types.js';
import { kubeTime } from './types.js';

const DAY = 86_400_000;
const KUBELET = 'v1.32.3-eks-473151a';

function hostSuffix(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

function nodeConditions(now: string, since: string) {
  const c = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
    reason,
    message,
  });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

function nodeLabels(sim: ClusterSim, plan: NodePlan, name: string, zone: string, zoneIdx: number) {
  const it = plan.instanceType;
  const region = sim.info.region;
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': it.name,
    'beta.kubernetes.io/os': 'linux',
    'failure-domain.beta.kubernetes.io/region': region,
    'failure-domain.beta.kubernetes.io/zone': zone,
    'k8s.io/cloud-provider-aws': sim.rng.hex(32),
    'karpenter.k8s.aws/instance-category': it.family.slice(0, 1),
    'karpenter.k8s.aws/instance-cpu': String(it.cpu),
    'karpenter.k8s.aws/instance-family': it.family,
    'karpenter.k8s.aws/instance-generation': '6',
    'karpenter.k8s.aws/instance-memory': String(Math.round((it.cpu * 4096 * 1024) / 1024)),
    'karpenter.k8s.aws/instance-size': it.size,
    'karpenter.sh/capacity-type': 'on-demand',
    'karpenter.sh/initialized': 'true',
    'karpenter.sh/nodepool': plan.pool,
    'karpenter.sh/registered': 'true',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': it.name,
    'topology.k8s.aws/zone-id': `${region.replace(/^(\w\w)\w*-(\w)\w*-(\d)$/, '$1$2$3')}-az${zoneIdx + 1}`,
    'topology.kubernetes.io/region': region,
    'topology.kubernetes.io/zone': zone,
    ...(plan.pool === 'workspaces' ? { 'coder.com/workspaces': 'true' } : {}),
  };
}

function nodeStatus(
  sim: ClusterSim,
  it: InstanceType,
  ip: string,
  name: string,
  created: string,
): NodeObject['status'] {
  return {
    capacity: {
      cpu: String(it.cpu),
      'ephemeral-storage': `${ROOT_VOLUME.capacityKi}Ki`,
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${it.memoryKi}Ki`,
      pods: String(it.maxPods),
    },
    allocatable: {
      cpu: it.allocatableCpu,
      'ephemeral-storage': ROOT_VOLUME.allocatableBytes,
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${it.allocatableMemoryKi}Ki`,
      pods: String(it.maxPods),
    },
    conditions: nodeConditions(kubeTime(sim.clock.now() - 20_000), created),
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'InternalDNS', address: name },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: sim.rng.uid(),
      containerRuntimeVersion: 'containerd://1.7.27',
      kernelVersion: '6.1.134-152.225.amzn2023.x86_64',
      kubeProxyVersion: KUBELET,
      kubeletVersion: KUBELET,
      machineID: sim.rng.hex(32),
      operatingSystem: 'linux',
      osImage: 'Amazon Linux 2023.7.20250512',
      systemUUID: `ec2${sim.rng.hex(5)}-${sim.rng.hex(4)}-${sim.rng.hex(4)}-${sim.rng.hex(4)}-${sim.rng.hex(12)}`,
    },
  };
}

function makeNode(sim: ClusterSim, plan: NodePlan, index: number, claim: KubeObject): NodeObject {
  const region = sim.info.region;
  const zoneIdx = index % 3;
  const zone = `${region}${'abc'[zoneIdx]}`;
  const ip = `10.0.${16 * zoneIdx + 1 + sim.rng.int(14)}.${10 + sim.rng.int(240)}`;
  const name = `ip-${ip.replace(/\./g, '-')}.${hostSuffix(region)}`;
  const created = kubeTime(sim.clock.now() - (3 + sim.rng.int(9)) * DAY - sim.rng.int(DAY));
  const instanceId = `i-0${sim.rng.hex(16)}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      creationTimestamp: created,
      labels: nodeLabels(sim, plan, name, zone, zoneIdx),
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': ip,
        'karpenter.k8s.aws/ec2nodeclass-hash': String(1e18 + sim.rng.int(1e9)),
        'karpenter.sh/nodepool-hash': String(1e18 + sim.rng.int(1e9)),
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      finalizers: ['karpenter.sh/termination'],
      ownerReferences: [
        {
          apiVersion: 'karpenter.sh/v1',
          kind: 'NodeClaim',
          name: claim.metadata.name,
          uid: claim.metadata.uid ?? '',
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { providerID: `aws:///${zone}/${instanceId}`, ...(plan.taints ? { taints: plan.taints } : {}) },
    status: nodeStatus(sim, plan.instanceType, ip, name, created),
  };
}

/** Nodes with their Karpenter NodeClaims, and each node's root filesystem use (30–45 %). */
export function seedNodes(sim: ClusterSim, poolUids: Map<string, string>): void {
  nodePlan(sim.info.role).forEach((plan, i) => {
    const claimName = `${plan.pool}-${sim.rng.suffix(5)}`;
    const claimUid = sim.rng.uid();
    const node = makeNode(sim, plan, i, {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodeClaim',
      metadata: { name: claimName, uid: claimUid },
    });
    sim.store.create('nodes', node);
    sim.store.create(
      'nodeclaims.karpenter.sh',
      makeNodeClaim(node, plan, claimName, claimUid, poolUids.get(plan.pool) ?? ''),
    );
    sim.nodeStorage.set(node.metadata.name, 0.3 + sim.rng.next() * 0.15);
  });
}

export const NODE_CLASS_REF = { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' };

function makeNodeClaim(
  node: NodeObject,
  plan: NodePlan,
  name: string,
  uid: string,
  poolUid: string,
): KubeObject {
  const created = node.metadata.creationTimestamp ?? '';
  const labels = node.metadata.labels ?? {};
  const cond = (type: string) => ({
    type,
    status: 'True',
    reason: type,
    message: '',
    lastTransitionTime: created,
  });
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodeClaim',
    metadata: {
      name,
      uid,
      creationTimestamp: created,
      labels: Object.fromEntries(
        Object.entries(labels).filter(([k]) => !k.startsWith('beta.') && k !== 'kubernetes.io/hostname'),
      ),
      annotations: {
        'karpenter.k8s.aws/ec2nodeclass-hash-version': 'v4',
        'karpenter.sh/nodepool-hash-version': 'v3',
      },
      finalizers: ['karpenter.sh/termination'],
      ownerReferences: [
        {
          apiVersion: 'karpenter.sh/v1',
          kind: 'NodePool',
          name: plan.pool,
          uid: poolUid,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeClassRef: NODE_CLASS_REF,
      expireAfter: '720h',
      requirements: [
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [plan.instanceType.name] },
        { key: 'karpenter.sh/nodepool', operator: 'In', values: [plan.pool] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      ],
      resources: { requests: { cpu: '1', memory: '1Gi', pods: '8' } },
      ...(plan.taints ? { taints: plan.taints } : {}),
    },
    status: {
      nodeName: node.metadata.name,
      providerID: node.spec.providerID,
      imageID: 'ami-0b2e1f1d3c4a59876',
      capacity: node.status.capacity,
      allocatable: node.status.allocatable,
      conditions: ['Launched', 'Registered', 'Initialized', 'ConsistentStateFound', 'Ready'].map(cond),
      lastPodEventTime: created,
    },
  };
}
