import type { Environment } from '../../inventory/schema.js';
import { exhaustCapacity } from './capacity-filler.js';
import type { ClusterSim } from './cluster-sim.js';
import {
  addHpa,
  type ManagedBy,
  outOfBand,
  requireDeployment,
  setImage,
  setManagedBy,
} from './deployment-ops.js';
import { divergeImage } from './diverge-image.js';
import { evictPod } from './evict-pod.js';
import { addStuckNodeClaim, stopKarpenter } from './karpenter-faults.js';
import { podRestartsText, podStatusText } from './pod-columns.js';
import { parseQuantity } from './quantity.js';
import { rotateSecret } from './rotation-secret.js';
import { nodeUsage } from './scheduler.js';
import { setCredentialExpiry } from './seed-credentials.js';
import { refreshNodePoolStatus } from './seed-nodepools.js';
import { type ScaleSeed, setScale } from './seed-scale.js';
import type { Deployment, NodeObject, Pod } from './types.js';
import { restartWorkspaces } from './workspaces.js';

export interface ClusterSnapshot {
  id: string;
  deployments: {
    namespace: string;
    name: string;
    desired: number;
    ready: number;
    available: number;
    updated: number;
    image: string;
  }[];
  pods: {
    namespace: string;
    name: string;
    status: string;
    node: string | null;
    ready: boolean;
    restarts: string;
  }[];
  nodes: {
    name: string;
    pool: string;
    instanceType: string;
    storageUsedPercent: number;
    cpuRequested: number;
    cpuAllocatable: number;
  }[];
}

/** Out-of-band changes to the simulated clusters (the sandbox control API maps onto these). */
export class KubeControl {
  constructor(
    private readonly sims: Map<string, ClusterSim>,
    private readonly env: Environment,
  ) {}

  private sim(clusterId: string): ClusterSim {
    const sim = this.sims.get(clusterId);
    if (!sim) throw new Error(`unknown cluster "${clusterId}"`);
    return sim;
  }

  /** Someone else's `kubectl scale`. */
  setReplicas(clusterId: string, namespace: string, name: string, replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new Error(`replicas must be a non-negative integer, got ${replicas}`);
    outOfBand(
      this.sim(clusterId),
      namespace,
      name,
      'kubectl',
      (d) => {
        d.spec.replicas = replicas;
      },
      { 'f:spec': { 'f:replicas': {} } },
    );
  }

  fillNodeStorage(clusterId: string, nodeName: string, usedPercent: number): void {
    const sim = this.sim(clusterId);
    if (!sim.store.get('nodes', undefined, nodeName))
      throw new Error(`node "${nodeName}" not found in cluster ${clusterId}`);
    const share = Math.min(Math.max(usedPercent, 0), 100) / 100;
    sim.nodeStorage.set(nodeName, share);
    // The kubelet reports DiskPressure once nodefs.available drops under its 10 % eviction threshold.
    const pressure = share >= 0.9;
    sim.store.mutate<NodeObject>('nodes', undefined, nodeName, (n) => {
      const c = n.status.conditions.find((x) => x.type === 'DiskPressure');
      if (c && (c.status === 'True') !== pressure) {
        c.status = pressure ? 'True' : 'False';
        c.reason = pressure ? 'KubeletHasDiskPressure' : 'KubeletHasNoDiskPressure';
        c.message = pressure ? 'kubelet has disk pressure' : 'kubelet has no disk pressure';
        c.lastTransitionTime = sim.now();
      }
      const taints = (n.spec.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/disk-pressure');
      if (pressure) taints.push({ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' });
      if (taints.length) n.spec.taints = taints;
      else delete n.spec.taints;
    });
  }

  /** A deployment's containers exit 1 (`Error`) or are killed for memory (`OOMKilled`), over and over. */
  crashLoop(
    clusterId: string,
    namespace: string,
    deployment: string,
    on: boolean,
    reason: 'Error' | 'OOMKilled' = 'Error',
  ): void {
    const sim = this.sim(clusterId);
    if (on && reason === 'OOMKilled') sim.oomKilled.add(`${namespace}/${deployment}`);
    else sim.oomKilled.delete(`${namespace}/${deployment}`);
    this.toggle(sim, 'crashLooping', namespace, deployment, on);
  }

  failImagePull(clusterId: string, namespace: string, deployment: string, on: boolean): void {
    this.toggle(this.sim(clusterId), 'imagePullFailing', namespace, deployment, on);
  }

  /** A failing exec readiness probe on a deployment's pods; `output` is what the probe printed (undefined: passing again). */
  failReadiness(clusterId: string, namespace: string, deployment: string, output: string | undefined): void {
    const sim = this.sim(clusterId);
    requireDeployment(sim, namespace, deployment);
    const key = `${namespace}/${deployment}`;
    if (output === undefined) sim.readinessFailing.delete(key);
    else sim.readinessFailing.set(key, output);
    sim.kick();
  }

  exhaustCapacity(clusterId: string, on: boolean): void {
    exhaustCapacity(this.sim(clusterId), on);
  }

  evictPod(clusterId: string, namespace: string, podName: string): void {
    evictPod(this.sim(clusterId), namespace, podName);
  }

  /** A key rotation: new Secret data and time, every workspace restarted. False when the rotator is paused (0 replicas). */
  rotateKey(): boolean {
    const rotation = this.env.rotation;
    const target = this.env.deployments.find((d) => d.target === rotation?.deployment);
    if (!rotation || !target) return false;
    const sim = this.sim(target.cluster);
    if (requireDeployment(sim, target.namespace, target.name).spec.replicas < 1) return false;
    rotateSecret(sim, rotation.secret.namespace, rotation.secret.name);
    for (const s of this.sims.values()) if (s.info.role === 'control-plane') restartWorkspaces(s);
    return true;
  }

  /** An inventory credential's Secret re-annotated with another expiry (null: the annotation removed). */
  setCredentialExpiry(credentialId: string, at: number | null): void {
    const c = this.env.credentials.find((x) => x.id === credentialId);
    if (!c)
      throw new Error(
        `unknown credential "${credentialId}" (inventory: ${this.env.credentials.map((x) => x.id).join(', ') || 'none'})`,
      );
    setCredentialExpiry(this.sim(c.cluster), c, at);
  }

  /**
   * Rebuilds a cluster as seeded plus `nodes` tainted batch nodes and `pods` pods spread over them (kept
   * across reset; 0 and 0 removes them). The pods are generated as they are read, not stored.
   */
  seedScale(clusterId: string, seed: ScaleSeed): void {
    const sim = this.sim(clusterId);
    setScale(sim, seed, () => {
      sim.reset();
      refreshNodePoolStatus(sim);
    });
  }

  setImage(clusterId: string, namespace: string, deployment: string, ref: string, digest: string): void {
    setImage(this.sim(clusterId), namespace, deployment, ref, digest);
  }

  /** `ref` resolves to `digest` in every cluster from now on (the tag moved in the registry); running pods keep theirs. */
  resolveImage(ref: string, digest: string): void {
    for (const sim of this.sims.values()) sim.digests.set(ref, digest);
  }

  /** The deployment's image tag resolves to another build in this cluster, and its pods restart onto it. */
  divergeImage(clusterId: string, namespace: string, deployment: string): string {
    return divergeImage(this.sim(clusterId), namespace, deployment);
  }

  /** Karpenter's controller at 0 replicas (true) or back at 2 (false). */
  stopKarpenter(clusterId: string, stopped: boolean): void {
    stopKarpenter(this.sim(clusterId), stopped);
  }

  /** A NodeClaim of `pool` that Karpenter could not launch for 20 minutes; returns its name. */
  addStuckNodeClaim(clusterId: string, pool: string): string {
    return addStuckNodeClaim(this.sim(clusterId), pool);
  }

  setManagedBy(clusterId: string, namespace: string, deployment: string, by: ManagedBy): void {
    setManagedBy(this.sim(clusterId), namespace, deployment, by);
  }

  addHpa(clusterId: string, namespace: string, deployment: string, min: number, max: number): void {
    addHpa(this.sim(clusterId), namespace, deployment, min, max);
  }

  /** Marks everything up to now as compacted: older continue tokens and watch resourceVersions get 410. */
  compact(clusterId: string): void {
    this.sim(clusterId).store.compactNow();
  }

  /** Resolves when no pod is mid-transition (pods held by an injected fault excepted). */
  settled(clusterId: string, timeoutMs?: number): Promise<void> {
    return this.sim(clusterId).settled(timeoutMs);
  }

  snapshot(clusterId: string): ClusterSnapshot {
    const sim = this.sim(clusterId);
    const now = sim.clock.now();
    const pods = sim.pods();
    const usage = nodeUsage(pods);
    return {
      id: clusterId,
      deployments: sim.store.list<Deployment>('deployments.apps').map(({ obj: d }) => ({
        namespace: d.metadata.namespace ?? '',
        name: d.metadata.name,
        desired: d.spec.replicas,
        ready: d.status.readyReplicas ?? 0,
        available: d.status.availableReplicas ?? 0,
        updated: d.status.updatedReplicas ?? 0,
        image: d.spec.template.spec.containers[0]?.image ?? '',
      })),
      pods: pods.map((p: Pod) => ({
        namespace: p.metadata.namespace ?? '',
        name: p.metadata.name,
        status: podStatusText(p),
        node: p.spec.nodeName ?? null,
        ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
        restarts: podRestartsText(p, now),
      })),
      nodes: sim.nodes().map((n) => ({
        name: n.metadata.name,
        pool: n.metadata.labels?.['karpenter.sh/nodepool'] ?? '',
        instanceType: n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? '',
        storageUsedPercent: Math.round((sim.nodeStorage.get(n.metadata.name) ?? 0) * 1000) / 10,
        cpuRequested: Math.round((usage.get(n.metadata.name)?.cpu ?? 0) * 1000) / 1000,
        cpuAllocatable: parseQuantity(n.status.allocatable.cpu),
      })),
    };
  }

  /** Back to the seeded world on every cluster. */
  reset(): void {
    for (const sim of this.sims.values()) {
      sim.reset();
      refreshNodePoolStatus(sim);
    }
  }

  private toggle(
    sim: ClusterSim,
    set: 'crashLooping' | 'imagePullFailing',
    namespace: string,
    deployment: string,
    on: boolean,
  ): void {
    requireDeployment(sim, namespace, deployment);
    const key = `${namespace}/${deployment}`;
    if (on) sim[set].add(key);
    else sim[set].delete(key);
    sim.kick();
  }
}
