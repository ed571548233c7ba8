import type { ClusterSim } from './cluster-sim.js';
import { parseQuantity } from './quantity.js';
import { fnv32a } from './random.js';
import type { NodeObject, Pod } from './types.js';

const GiB = 1024 ** 3;

function fsStats(time: string, capacityBytes: number, usedBytes: number) {
  const inodes = 6_553_600;
  const inodesUsed = Math.round(inodes * (usedBytes / capacityBytes) * 0.4);
  return {
    time,
    availableBytes: capacityBytes - usedBytes,
    capacityBytes,
    usedBytes,
    inodesFree: inodes - inodesUsed,
    inodes,
    inodesUsed,
  };
}

/** Stable per-pod ephemeral storage use: workspaces hold GBs of node-local state, services a little. */
function podEphemeralBytes(pod: Pod): number {
  const jitter = (fnv32a(pod.metadata.uid ?? pod.metadata.name) % 1000) / 1000;
  if (pod.metadata.labels?.['com.coder.resource'] === 'true') return Math.round((3 + jitter * 5) * GiB);
  return Math.round((40 + jitter * 300) * 1024 ** 2);
}

function podStats(p: Pod, now: string, capacity: number, used: number) {
  const eph = podEphemeralBytes(p);
  const fs = (bytes: number) => ({
    time: now,
    availableBytes: capacity - used,
    capacityBytes: capacity,
    usedBytes: bytes,
  });
  return {
    podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
    startTime: p.status.startTime,
    containers: p.spec.containers.map((c) => ({
      name: c.name,
      startTime: p.status.startTime,
      rootfs: fs(Math.round(eph * 0.7)),
      logs: fs(Math.round(eph * 0.1)),
    })),
    'ephemeral-storage': fs(eph),
  };
}

function systemContainer(name: string, start: string | undefined, now: string, cpu: number, mem: number) {
  return {
    name,
    startTime: start,
    cpu: { time: now, usageNanoCores: cpu },
    memory: { time: now, workingSetBytes: mem },
  };
}

/** The kubelet's `/stats/summary` for a node (the parts opsbot reads: node fs, image fs, pod ephemeral storage). */
export function statsSummary(sim: ClusterSim, node: NodeObject) {
  const now = sim.now();
  const started = node.metadata.creationTimestamp;
  const capacity = parseQuantity(node.status.capacity['ephemeral-storage']);
  const usedShare = sim.nodeStorage.get(node.metadata.name) ?? 0.35;
  const used = Math.round(capacity * usedShare);
  // Read in place (not copied): a kubelet answers for its own pods, 5,000 nodes must not copy every pod each.
  const pods = sim.store
    .peek<Pod>('pods')
    .filter((p) => p.spec.nodeName === node.metadata.name && p.status.phase === 'Running');
  const cpuCap = parseQuantity(node.status.capacity.cpu);
  const memCap = parseQuantity(node.status.capacity.memory);
  return {
    node: {
      nodeName: node.metadata.name,
      systemContainers: [
        systemContainer('kubelet', started, now, 41_000_000, 98_000_000),
        systemContainer('runtime', started, now, 23_000_000, 180_000_000),
      ],
      startTime: started,
      cpu: {
        time: now,
        usageNanoCores: Math.round(cpuCap * 0.31e9),
        usageCoreNanoSeconds: 9_870_000_000_000,
      },
      memory: {
        time: now,
        availableBytes: Math.round(memCap * 0.58),
        usageBytes: Math.round(memCap * 0.47),
        workingSetBytes: Math.round(memCap * 0.42),
        rssBytes: Math.round(memCap * 0.33),
        pageFaults: 912_345,
        majorPageFaults: 512,
      },
      fs: fsStats(now, capacity, used),
      // EKS AL2023 keeps images on the root volume: imageFs is the same device; usedBytes counts image layers.
      runtime: {
        imageFs: {
          ...fsStats(now, capacity, used),
          usedBytes: Math.round(capacity * Math.min(usedShare, 0.18)),
        },
      },
      rlimit: { time: now, maxpid: 4_194_304, curproc: 600 + pods.length * 20 },
    },
    pods: pods.map((p) => podStats(p, now, capacity, used)),
  };
}
