import type { ClusterSim } from './cluster-sim.js';
import { INSTANCE_TYPES } from './instance-types.js';
import type { GeneratedObjects } from './object-store.js';
import { fnv32a, safeEncode } from './random.js';
import { refreshNodePoolStatus } from './seed-nodepools.js';
import { NODE_CLASS_REF } from './seed-nodes.js';
import type { KubeObject, NodeObject, Pod } from './types.js';
import { kubeTime } from './types.js';

/** A cluster seeded at scale: extra nodes in their own pool and pods spread over them. */
export interface ScaleSeed {
  nodes: number;
  pods: number;
}

export const MAX_SCALE_NODES = 20_000;
export const MAX_SCALE_PODS = 500_000;

const DAY = 86_400_000;
const POOL = 'batch';
const TAINT = { key: 'ai.coder.com/batch', value: 'true', effect: 'NoSchedule' as const };
/** Realistic multi-tenant spread: 100 namespaces, 15 deployments each. */
const NAMESPACES = 100;
const DEPLOYMENTS = 15;
const INSTANCE = INSTANCE_TYPES['m6i.4xlarge']!;
/** Sorted, so fixed-width suffixes in it sort as the numbers they encode (Kubernetes' safe alphabet). */
const SUFFIX_ALPHABET = '2456789bcdfghjklmnpqrstvwxz';
const SUFFIX_SPACE = SUFFIX_ALPHABET.length ** 5;

/** Seeds per simulated cluster, kept across `reset` (the seeded world includes them). */
const seeds = new WeakMap<ClusterSim, ScaleSeed>();

export function scaleOf(sim: ClusterSim): ScaleSeed | undefined {
  return seeds.get(sim);
}

/**
 * Sets a cluster's scale seed and rebuilds it (`reset` keeps it); `{nodes: 0, pods: 0}` removes it.
 * Nodes and their NodeClaims are stored objects (controllers see the nodes, tainted so nothing else
 * lands on them); the pods are generated on demand, page by page, so 150,000 of them cost no memory.
 */
export function setScale(sim: ClusterSim, seed: ScaleSeed, reseed: () => void): void {
  if (!Number.isInteger(seed.nodes) || seed.nodes < 0 || seed.nodes > MAX_SCALE_NODES)
    throw new Error(`nodes must be an integer from 0 to ${MAX_SCALE_NODES}`);
  if (!Number.isInteger(seed.pods) || seed.pods < 0 || seed.pods > MAX_SCALE_PODS)
    throw new Error(`pods must be an integer from 0 to ${MAX_SCALE_PODS}`);
  if (seed.pods > 0 && seed.nodes === 0) throw new Error('pods need nodes to run on');
  if (seed.nodes > 0 && seed.pods / seed.nodes > INSTANCE.maxPods - 10)
    throw new Error(`at most ${INSTANCE.maxPods - 10} pods per node (${INSTANCE.name})`);
  if (seed.nodes === 0) seeds.delete(sim);
  else seeds.set(sim, { ...seed });
  reseed();
}

/** Adds the cluster's scale seed, if any, to a freshly seeded cluster (called by seedCluster). */
export function seedScale(sim: ClusterSim): void {
  const seed = seeds.get(sim);
  if (!seed) return;
  const created = kubeTime(sim.clock.now() - 60 * DAY);
  for (let n = 0; n < NAMESPACES; n++) {
    const name = namespaceName(n);
    sim.store.create<KubeObject>('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, creationTimestamp: created, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  sim.store.create('nodepools.karpenter.sh', batchPool(created));
  const nodes: { name: string; ip: string }[] = [];
  for (let i = 0; i < seed.nodes; i++) {
    const node = batchNode(sim, i);
    sim.store.create('nodes', node);
    sim.store.create('nodeclaims.karpenter.sh', claimOf(node, `${POOL}-${suffix(i, seed.nodes)}`));
    // Batch jobs keep little on local disk: 25–50 % used.
    sim.nodeStorage.set(node.metadata.name, 0.25 + (fnv32a(node.metadata.name) % 250) / 1000);
    nodes.push({ name: node.metadata.name, ip: addressOf(i) });
  }
  sim.store.attachGenerated('pods', batchPods(sim, seed.pods, nodes, String(sim.store.resourceVersion)));
  refreshNodePoolStatus(sim);
}

function namespaceName(n: number): string {
  return `team-${String(n).padStart(3, '0')}`;
}

/** Five characters of the safe alphabet encoding `i` of `n` spread over the whole space, order-preserving. */
function suffix(i: number, n: number): string {
  const step = Math.max(1, Math.floor(SUFFIX_SPACE / Math.max(n, 1)));
  let v = Math.min(SUFFIX_SPACE - 1, i * step + (fnv32a(String(i)) % step));
  let out = '';
  for (let k = 0; k < 5; k++) {
    out = SUFFIX_ALPHABET[v % SUFFIX_ALPHABET.length] + out;
    v = Math.floor(v / SUFFIX_ALPHABET.length);
  }
  return out;
}

/** Unique host addresses in 10.16.0.0/12, a /14 per zone (the inventory's nodes use 10.0.x.x). */
function addressOf(i: number): string {
  const zone = i % 3;
  const k = Math.floor(i / 3);
  return `10.${16 + zone * 4 + Math.floor(k / (254 * 256))}.${Math.floor(k / 254) % 256}.${1 + (k % 254)}`;
}

function uid(seed: string): string {
  const h = [0, 1, 2, 3].map((k) => fnv32a(`${k}:${seed}`).toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function batchPool(created: string): KubeObject {
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
    metadata: { name: POOL, creationTimestamp: created },
    spec: {
      template: {
        metadata: { labels: { 'ai.coder.com/batch': 'true' } },
        spec: {
          nodeClassRef: NODE_CLASS_REF,
          expireAfter: '720h',
          requirements: [
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [INSTANCE.name] },
          ],
          taints: [{ ...TAINT }],
        },
      },
      disruption: {
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
        consolidateAfter: '5m',
        budgets: [{ nodes: '5%' }],
      },
      limits: {
        cpu: String(INSTANCE.cpu * MAX_SCALE_NODES),
        memory: `${Math.ceil((INSTANCE.memoryKi * MAX_SCALE_NODES) / 1024 ** 2)}Gi`,
      },
    },
    status: {
      conditions: ['ValidationSucceeded', 'NodeClassReady', 'Ready'].map(cond),
      resources: {},
    },
  };
}

function batchNode(sim: ClusterSim, i: number): NodeObject {
  const region = sim.info.region;
  const zoneIdx = i % 3;
  const zone = `${region}${'abc'[zoneIdx]}`;
  const ip = addressOf(i);
  const name = `ip-${ip.replace(/\./g, '-')}.${region}.compute.internal`;
  const created = kubeTime(sim.clock.now() - (1 + (fnv32a(name) % 20)) * DAY);
  const heartbeat = kubeTime(sim.clock.now() - 20_000);
  const c = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: created,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: uid(name),
      creationTimestamp: created,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': INSTANCE.name,
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': zone,
        'karpenter.sh/capacity-type': 'on-demand',
        'karpenter.sh/initialized': 'true',
        'karpenter.sh/nodepool': POOL,
        'karpenter.sh/registered': 'true',
        'ai.coder.com/batch': 'true',
      },
      annotations: { 'alpha.kubernetes.io/provided-node-ip': ip, 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {
      providerID: `aws:///${zone}/i-0${fnv32a(name).toString(16).padStart(8, '0')}${String(i).padStart(8, '0')}`,
      taints: [{ ...TAINT }],
    },
    status: {
      capacity: {
        cpu: String(INSTANCE.cpu),
        'ephemeral-storage': '104845292Ki',
        memory: `${INSTANCE.memoryKi}Ki`,
        pods: String(INSTANCE.maxPods),
      },
      allocatable: {
        cpu: INSTANCE.allocatableCpu,
        'ephemeral-storage': '95551679124',
        memory: `${INSTANCE.allocatableMemoryKi}Ki`,
        pods: String(INSTANCE.maxPods),
      },
      conditions: [
        c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'InternalDNS', address: name },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.27',
        kernelVersion: '6.1.134-152.225.amzn2023.x86_64',
        kubeletVersion: 'v1.32.3-eks-473151a',
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.7.20250512',
      },
    },
  };
}

function claimOf(node: NodeObject, name: string): KubeObject {
  const created = node.metadata.creationTimestamp ?? '';
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodeClaim',
    metadata: {
      name,
      creationTimestamp: created,
      labels: { 'karpenter.sh/nodepool': POOL, 'node.kubernetes.io/instance-type': INSTANCE.name },
    },
    spec: {
      nodeClassRef: NODE_CLASS_REF,
      requirements: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: [POOL] }],
      taints: [{ ...TAINT }],
    },
    status: {
      nodeName: node.metadata.name,
      providerID: node.spec.providerID,
      conditions: ['Launched', 'Registered', 'Initialized', 'Ready'].map((type) => ({
        type,
        status: 'True',
        reason: type,
        message: '',
        lastTransitionTime: created,
      })),
    },
  };
}

/** Eight hex digits of a cheap, well-spread hash of a number (no strings hashed per pod). */
function hex8(n: number): string {
  return (Math.imul(n + 0x9e37, 0x85ebca6b) >>> 0).toString(16).padStart(8, '0');
}

/**
 * `count` pods generated from their index: namespace, deployment and replica follow from it, so keys
 * come out in the API server's order and nothing per pod is held (per-deployment names are computed
 * once). Every pod is Running and Ready on the node `i mod nodes` (a deployment's replicas spread over
 * the pool), requesting 250m and 1 GiB.
 */
function batchPods(
  sim: ClusterSim,
  count: number,
  nodes: { name: string; ip: string }[],
  resourceVersion: string,
): GeneratedObjects {
  const perNamespace = Math.ceil(count / NAMESPACES);
  const perDeployment = Math.ceil(perNamespace / DEPLOYMENTS);
  const image = 'ghcr.io/coder/batch-worker:v3.4.1';
  const imageID = `ghcr.io/coder/batch-worker@${sim.digestFor(image)}`;
  const started = sim.clock.now() - 2 * DAY;
  const deployments = Array.from({ length: NAMESPACES * DEPLOYMENTS }, (_, k) => {
    const namespace = namespaceName(Math.floor(k / DEPLOYMENTS));
    const app = `worker-${String(k % DEPLOYMENTS).padStart(2, '0')}`;
    const hash = safeEncode(fnv32a(`${namespace}/${app}`)).slice(0, 10);
    return {
      namespace,
      app,
      hash,
      prefix: `${namespace}/${app}-${hash}-`,
      rsUid: uid(`${namespace}/${app}-${hash}`),
    };
  });
  const place = (i: number) => {
    const within = i % perNamespace;
    const dep = deployments[Math.floor(i / perNamespace) * DEPLOYMENTS + Math.floor(within / perDeployment)]!;
    return { dep, name: `${dep.app}-${dep.hash}-${suffix(within % perDeployment, perDeployment)}` };
  };
  const podUid = (i: number) =>
    `${hex8(i)}-${hex8(i + 1).slice(0, 4)}-4${hex8(i + 2).slice(0, 3)}-a${hex8(i + 3).slice(0, 3)}-${i.toString(16).padStart(12, '0')}`;
  const podIP = (i: number, node: { ip: string }) =>
    `${node.ip.slice(0, node.ip.lastIndexOf('.'))}.${1 + (i % 250)}`;
  return {
    size: count,
    keyAt(i) {
      const within = i % perNamespace;
      const dep =
        deployments[Math.floor(i / perNamespace) * DEPLOYMENTS + Math.floor(within / perDeployment)]!;
      return `${dep.prefix}${suffix(within % perDeployment, perDeployment)}`;
    },
    selectableAt(i) {
      const { dep, name } = place(i);
      const node = nodes[i % nodes.length]!;
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: dep.namespace,
          labels: { app: dep.app, 'pod-template-hash': dep.hash, 'app.kubernetes.io/part-of': 'batch' },
        },
        spec: { containers: [], nodeName: node.name },
        status: { phase: 'Running', podIP: podIP(i, node) },
      } as Pod;
    },
    objectAt(i): Pod {
      const { dep, name } = place(i);
      const node = nodes[i % nodes.length]!;
      const at = kubeTime(started - ((Math.imul(i + 1, 2654435761) >>> 0) % DAY));
      const ip = podIP(i, node);
      const cond = (type: string) => ({
        type,
        status: 'True' as const,
        lastProbeTime: null,
        lastTransitionTime: at,
      });
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          generateName: `${dep.app}-${dep.hash}-`,
          namespace: dep.namespace,
          uid: podUid(i),
          resourceVersion,
          creationTimestamp: at,
          labels: { app: dep.app, 'pod-template-hash': dep.hash, 'app.kubernetes.io/part-of': 'batch' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${dep.app}-${dep.hash}`,
              uid: dep.rsUid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          containers: [
            {
              name: 'worker',
              image,
              args: ['--queue', `${dep.namespace}.${dep.app}`, '--concurrency', '4'],
              ports: [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
              resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } },
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          serviceAccountName: 'default',
          serviceAccount: 'default',
          nodeName: node.name,
          securityContext: {},
          schedulerName: 'default-scheduler',
          tolerations: [
            { key: TAINT.key, operator: 'Exists', effect: 'NoSchedule' },
            {
              key: 'node.kubernetes.io/not-ready',
              operator: 'Exists',
              effect: 'NoExecute',
              tolerationSeconds: 300,
            },
            {
              key: 'node.kubernetes.io/unreachable',
              operator: 'Exists',
              effect: 'NoExecute',
              tolerationSeconds: 300,
            },
          ],
          priority: 0,
          enableServiceLinks: true,
          preemptionPolicy: 'PreemptLowerPriority',
        },
        status: {
          phase: 'Running',
          conditions: [
            'PodReadyToStartContainers',
            'Initialized',
            'Ready',
            'ContainersReady',
            'PodScheduled',
          ].map(cond),
          hostIP: node.ip,
          hostIPs: [{ ip: node.ip }],
          podIP: ip,
          podIPs: [{ ip }],
          startTime: at,
          containerStatuses: [
            {
              name: 'worker',
              image,
              imageID,
              containerID: `containerd://${hex8(i)}${hex8(i + 11)}${hex8(i + 23)}${hex8(i + 37)}${hex8(i + 41)}${hex8(i + 53)}${i.toString(16).padStart(16, '0')}`,
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: at } },
              lastState: {},
            },
          ],
          qosClass: 'Burstable',
        },
      };
    },
  };
}
