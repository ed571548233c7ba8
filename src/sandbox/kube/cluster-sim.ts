import type { Environment } from '../../inventory/schema.js';
import type { Clock } from '../shared/clock.js';
import { syncDeployment } from './deployment-controller.js';
import { collectGarbage } from './garbage-collector.js';
import { syncHpas } from './hpa-controller.js';
import { ObjectStore } from './object-store.js';
import { stepPod } from './pod-lifecycle.js';
import { fnv32a, Rng } from './random.js';
import { pruneEvents, recordEvent } from './record-event.js';
import { syncReplicaSet } from './replicaset-controller.js';
import { RESOURCES, resourceKey } from './resources.js';
import { seedCluster } from './seed-cluster.js';
import type { Deployment, KubeObject, NodeObject, Pod, ReplicaSet } from './types.js';
import { kubeTime } from './types.js';

export interface ClusterInfo {
  id: string;
  eksName: string;
  region: string;
  role: 'control-plane' | 'proxy';
}

export interface ClusterSimOptions {
  cluster: ClusterInfo;
  env: Environment;
  clock: Clock;
  images: Record<string, { ref: string; digest: string }>;
  rolloutStepMs: number;
}

/** Idle-but-unsettled work (unschedulable pods, stalled rollouts) is retried every few steps. */
const SLOW_TICK_STEPS = 4;

/**
 * One simulated cluster: its store plus the controllers (deployment, replicaset, HPA), the scheduler
 * and a kubelet that advances pods one step per `rolloutStepMs`.
 */
export class ClusterSim {
  readonly store: ObjectStore;
  rng: Rng;
  readonly crashLooping = new Set<string>();
  /** Crash-looping deployments whose containers are killed for memory (OOMKilled, exit 137) rather than exiting 1. */
  readonly oomKilled = new Set<string>();
  readonly imagePullFailing = new Set<string>();
  /** Deployment key → what its pods' failing readiness probe prints (kubelet quotes it in an Event). */
  readonly readinessFailing = new Map<string, string>();
  /** Node name → used share of its root filesystem (0..1). */
  readonly nodeStorage = new Map<string, number>();
  /** Image reference → manifest digest the "registry" resolves it to. */
  readonly digests = new Map<string, string>();
  /** Per-pod kubelet bookkeeping (back-off steps), by pod uid. */
  readonly podAux = new Map<string, { wait: number }>();
  private timer: NodeJS.Timeout | undefined;
  private timerKind: 'fast' | 'slow' = 'slow';
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(readonly opts: ClusterSimOptions) {
    const generation = new Set(RESOURCES.filter((r) => r.generation).map(resourceKey));
    this.rng = new Rng(opts.cluster.id);
    this.store = new ObjectStore(opts.clock, this.rng, generation);
  }

  get info(): ClusterInfo {
    return this.opts.cluster;
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  now(): string {
    return kubeTime(this.opts.clock.now());
  }

  digestFor(ref: string): string {
    const at = ref.indexOf('@');
    if (at >= 0) return ref.slice(at + 1);
    const known = this.digests.get(ref);
    if (known) return known;
    // An image nobody registered still resolves: a stable fake digest derived from the reference.
    const h = [0, 1, 2, 3, 4, 5, 6, 7]
      .map((i) => fnv32a(`${i}:${ref}`).toString(16).padStart(8, '0'))
      .join('');
    return `sha256:${h}`;
  }

  event(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: { component: string; host?: string; fieldPath?: string },
  ): void {
    const { fieldPath, ...src } = source;
    recordEvent(this.store, this.opts.clock, this.rng, obj, type, reason, message, src, fieldPath);
  }

  pods(namespace?: string): Pod[] {
    return this.store.list<Pod>('pods', namespace).map((e) => e.obj);
  }

  nodes(): NodeObject[] {
    return this.store.list<NodeObject>('nodes').map((e) => e.obj);
  }

  /** The Deployment (namespace/name) that owns a pod through its ReplicaSet, if any. */
  deploymentKeyOf(pod: Pod): string | undefined {
    const rsRef = pod.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
    if (!rsRef) return undefined;
    const rs = this.store
      .peek<ReplicaSet>('replicasets.apps', pod.metadata.namespace)
      .find((r) => r.metadata.name === rsRef.name);
    const dRef = rs?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
    return dRef ? `${pod.metadata.namespace}/${dRef.name}` : undefined;
  }

  /** Asks the controllers to run soon (after a write), and the kubelet to keep stepping. */
  kick(): void {
    if (this.closed || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.reconcile();
      this.arm(this.pendingWork());
    });
  }

  /** Runs the controllers synchronously (deployments → replicasets → statuses). */
  reconcile(): void {
    collectGarbage(this);
    syncHpas(this);
    const deployments = [...this.store.peek<Deployment>('deployments.apps')];
    for (const d of deployments) syncDeployment(this, d);
    for (const rs of [...this.store.peek<ReplicaSet>('replicasets.apps')]) syncReplicaSet(this, rs);
    for (const d of deployments) syncDeployment(this, d);
  }

  /** Back to the seeded world: faults off, objects re-created (resourceVersions keep increasing). */
  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.crashLooping.clear();
    this.oomKilled.clear();
    this.imagePullFailing.clear();
    this.readinessFailing.clear();
    this.nodeStorage.clear();
    this.digests.clear();
    this.podAux.clear();
    this.store.clear();
    this.rng = new Rng(this.opts.cluster.id);
    this.store.setRng(this.rng);
    seedCluster(this);
  }

  /** Resolves once no pod is mid-transition, fault-held pods aside (rejects after `timeoutMs`). */
  async settled(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pendingWork(true) === 'fast' || this.immediate) {
      if (Date.now() > deadline)
        throw new Error(`cluster ${this.info.id} did not settle within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, Math.min(50, this.opts.rolloutStepMs)));
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private tick(): void {
    this.timer = undefined;
    if (this.closed) return;
    let work: 'fast' | 'slow' | 'idle' = 'idle';
    for (const pod of this.pods()) {
      const deleting = Boolean(pod.metadata.deletionTimestamp);
      const stepped = stepPod(this, pod);
      // A pod going away frees room: pending pods get another scheduling attempt next step.
      const w = deleting ? 'fast' : stepped;
      if (w === 'fast' || (w === 'slow' && work === 'idle')) work = w;
    }
    this.reconcile();
    pruneEvents(this.store, this.opts.clock);
    const after = this.pendingWork();
    this.arm(
      work === 'fast' || after === 'fast' ? 'fast' : work === 'slow' || after === 'slow' ? 'slow' : 'idle',
    );
  }

  private arm(work: 'fast' | 'slow' | 'idle'): void {
    if (this.closed || work === 'idle') return;
    const delay = this.opts.rolloutStepMs * (work === 'fast' ? 1 : SLOW_TICK_STEPS);
    if (this.timer) {
      // Never postpone a pending step; only bring a slow retry forward.
      if (work === 'slow' || this.timerKind === 'fast') return;
      clearTimeout(this.timer);
    }
    this.timerKind = work;
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  /**
   * Whether pods are mid-transition (fast), waiting on something that may change (slow), or settled.
   * With `ignoreFaulted`, pods held in a loop by an injected fault count as settled.
   */
  pendingWork(ignoreFaulted = false): 'fast' | 'slow' | 'idle' {
    let slow = false;
    for (const pod of this.store.peek<Pod>('pods')) {
      if (pod.metadata.deletionTimestamp) return 'fast';
      if (pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded') continue;
      if (!pod.spec.nodeName) {
        if (pod.status.conditions?.find((c) => c.type === 'PodScheduled')?.status === 'False') slow = true;
        else return 'fast';
        continue;
      }
      const key = this.deploymentKeyOf(pod);
      const faulted =
        key !== undefined &&
        (this.crashLooping.has(key) || this.imagePullFailing.has(key) || this.readinessFailing.has(key));
      if (faulted && ignoreFaulted) continue;
      if (faulted || pod.status.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') return 'fast';
    }
    return slow ? 'slow' : 'idle';
  }
}
