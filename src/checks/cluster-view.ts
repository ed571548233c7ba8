import type {
  ClusterClient,
  DeploymentState,
  NodeClaimState,
  NodePoolState,
  NodeState,
  NodeStorageStats,
  PodDetail,
} from '../ports/clusters.js';

/** What one scan of the running and pending pods of a cluster yields (only the problems are kept). */
export interface ActivePods {
  count: number;
  /** Requests of pods bound to each node (what the scheduler counts against allocatable). */
  requested: Map<string, { cpu: number; memory: number }>;
  /** Pods with something to explain, at most MAX_KEPT of them. */
  problems: PodDetail[];
  /** Problem pods beyond MAX_KEPT (counted, not kept). */
  more: number;
}

const MAX_KEPT = 200;
// Containers on their way up; anything else waiting is worth a look.
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

/**
 * A pod that explains itself: unschedulable, a container stuck waiting, killed for memory, or
 * restarted and not ready (a crash loop between two back-offs shows as Running).
 */
export function isProblem(p: PodDetail): boolean {
  return (
    p.unschedulable !== undefined ||
    p.containers.some(
      (c) =>
        (c.waiting && !STARTING.has(c.waiting.reason)) ||
        c.lastTerminated?.reason === 'OOMKilled' ||
        (c.restarts > 0 && !c.ready && c.lastTerminated !== undefined),
    )
  );
}

/**
 * A cluster's reads for one diagnostic run, memoized: ten checks asking for the nodes or the pods
 * cost one list each. A failed read fails every check that needs it, once.
 */
export class ClusterView {
  private readonly memo = new Map<string, Promise<unknown>>();

  /** `signal`: the run's (its job's lock, the run being over): reads still going then are cancelled. */
  constructor(
    readonly client: ClusterClient,
    private readonly signal?: AbortSignal,
  ) {}

  private get call(): { signal?: AbortSignal } {
    return this.signal ? { signal: this.signal } : {};
  }

  get id(): string {
    return this.client.clusterId;
  }

  nodes(): Promise<NodeState[]> {
    return this.once('nodes', () => this.client.listNodes(this.call));
  }

  nodeStorage(node: string): Promise<NodeStorageStats> {
    return this.once(`stats:${node}`, () => this.client.nodeStorage(node, this.call));
  }

  /** One paged pass over every pod that is neither finished nor failed. */
  activePods(): Promise<ActivePods> {
    return this.once('active-pods', () =>
      this.client.foldPods(
        { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' },
        (): ActivePods => ({ count: 0, requested: new Map(), problems: [], more: 0 }),
        (acc, page) => {
          for (const p of page) {
            acc.count++;
            if (p.nodeName) {
              const r = acc.requested.get(p.nodeName) ?? { cpu: 0, memory: 0 };
              r.cpu += p.requests.cpu;
              r.memory += p.requests.memory;
              acc.requested.set(p.nodeName, r);
            }
            if (!isProblem(p)) continue;
            if (acc.problems.length < MAX_KEPT) acc.problems.push(p);
            else acc.more++;
          }
          return acc;
        },
        this.call,
      ),
    );
  }

  /** Failed pods (evicted ones stay until someone deletes them), at most MAX_KEPT. */
  failedPods(): Promise<{ pods: PodDetail[]; more: number }> {
    return this.once('failed-pods', () =>
      this.client.foldPods(
        { fieldSelector: 'status.phase=Failed' },
        () => ({ pods: [] as PodDetail[], more: 0 }),
        (acc, page) => {
          for (const p of page) {
            if (acc.pods.length < MAX_KEPT) acc.pods.push(p);
            else acc.more++;
          }
          return acc;
        },
        this.call,
      ),
    );
  }

  /** The pods of one selector in one namespace (a deployment's). */
  pods(namespace: string, labelSelector: string): Promise<PodDetail[]> {
    return this.once(`pods:${namespace}:${labelSelector}`, () =>
      this.client.foldPods(
        { namespace, labelSelector },
        () => [] as PodDetail[],
        (acc, page) => {
          acc.push(...page);
          return acc;
        },
        this.call,
      ),
    );
  }

  deployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
    return this.once(`deploy:${namespace}/${name}`, () =>
      this.client.getDeployment(namespace, name, this.call),
    );
  }

  nodePools(): Promise<NodePoolState[]> {
    return this.once('nodepools', () => this.client.listNodePools(this.call));
  }

  nodeClaims(): Promise<NodeClaimState[]> {
    return this.once('nodeclaims', () => this.client.listNodeClaims(this.call));
  }

  secretUpdatedAt(namespace: string, name: string): Promise<number | undefined> {
    return this.once(`secret:${namespace}/${name}`, () =>
      this.client.secretUpdatedAt(namespace, name, this.call),
    );
  }

  secretAnnotations(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    return this.once(`secret-annotations:${namespace}/${name}`, () =>
      this.client.secretAnnotations(namespace, name, this.call),
    );
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      // Handled by whoever awaits it; this only keeps an unawaited rejection from crashing the process.
      p.catch(() => {});
      this.memo.set(key, p);
    }
    return p;
  }
}
