import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { TransientError } from '../../errors/transient-error.js';
import type {
  AutoscalerState,
  ClusterCapacity,
  ClusterClient,
  DeploymentState,
  EventState,
  NodeClaimState,
  NodePoolState,
  NodeState,
  NodeStorageStats,
  PodDetail,
  PodQuery,
  PodState,
} from '../../ports/clusters.js';
import { classifyKubeError } from './classify-kube-error.js';
import { toNodeClaim, toNodePool, toNodeState, toNodeStorage, toPodDetail } from './diagnostic-mappers.js';
import {
  lastWriteOf,
  toAutoscalerState,
  toCapacity,
  toDeploymentState,
  toEventState,
  toPodState,
} from './kube-mappers.js';

export { toDeploymentState } from './kube-mappers.js';

/** Where a cluster's KubeConfig comes from; `invalidate` drops a token the cluster refused. */
export interface KubeConfigSource {
  kubeConfig(clusterId: string): Promise<KubeConfig>;
  invalidate(clusterId: string): void;
}

export interface KubeClusterClientOptions {
  /** Deadline of one API call (default 10 s), so one hung cluster cannot stall a job. */
  timeoutMs?: number;
  /** Items per page of list calls (default 500, kubectl's --chunk-size). */
  pageSize?: number;
}

/** Page size of list calls: the API server's own recommendation (kubectl's --chunk-size default). */
const PAGE = 500;
/** How often a list expired mid-way (410) is started over before giving up. */
const LIST_RESTARTS = 3;

// Asks the API server for metadata only: the Secret's data never reaches opsbot.
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/**
 * ClusterClient over @kubernetes/client-node. The KubeConfig is fetched per call so refreshed tokens
 * apply, and a 401 is retried once with a freshly minted token before it is reported.
 */
export class KubeClusterClient implements ClusterClient {
  private readonly timeoutMs: number;
  private readonly pageSize: number;

  constructor(
    readonly clusterId: string,
    private readonly source: KubeConfigSource,
    options: KubeClusterClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pageSize = options.pageSize ?? PAGE;
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
    const doing = `reading deployment ${namespace}/${name}`;
    try {
      const d = await this.call(doing, (kc) =>
        kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name }),
      );
      return toDeploymentState(this.clusterId, d);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw classifyKubeError(err, this.clusterId, doing);
    }
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
    await this.run(`scaling deployment ${namespace}/${name}`, (kc) =>
      kc
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeploymentScale(
          { namespace, name, body: { spec: { replicas } }, fieldManager: 'opsbot' },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
    );
  }

  async listPods(namespace: string, labelSelector: string): Promise<PodState[]> {
    const list = await this.run(`listing pods in ${namespace}`, (kc) =>
      kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector }),
    );
    return list.items.map(toPodState);
  }

  async listEvents(namespace: string): Promise<EventState[]> {
    const list = await this.run(`listing events in ${namespace}`, (kc) =>
      kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace, limit: 500 }),
    );
    return list.items.map(toEventState);
  }

  async capacity(): Promise<ClusterCapacity> {
    const [nodes, pods] = await Promise.all([
      this.run('listing nodes', (kc) => kc.makeApiClient(CoreV1Api).listNode()),
      this.run('listing pods', (kc) => kc.makeApiClient(CoreV1Api).listPodForAllNamespaces()),
    ]);
    return toCapacity(nodes.items, pods.items);
  }

  async listAutoscalers(namespace: string): Promise<AutoscalerState[]> {
    const list = await this.run(`listing autoscalers in ${namespace}`, (kc) =>
      kc.makeApiClient(AutoscalingV2Api).listNamespacedHorizontalPodAutoscaler({ namespace }),
    );
    return list.items.map(toAutoscalerState);
  }

  async secretUpdatedAt(namespace: string, name: string): Promise<number | undefined> {
    const doing = `reading the metadata of secret ${namespace}/${name}`;
    try {
      const secret = await this.call(doing, (kc) =>
        kc
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({ namespace, name }, setHeaderOptions('Accept', METADATA_ONLY)),
      );
      return lastWriteOf(secret.metadata);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw classifyKubeError(err, this.clusterId, doing);
    }
  }

  async secretAnnotations(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const doing = `reading the annotations of secret ${namespace}/${name}`;
    try {
      const secret = await this.call(doing, (kc) =>
        kc
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({ namespace, name }, setHeaderOptions('Accept', METADATA_ONLY)),
      );
      return { ...(secret.metadata?.annotations ?? {}) };
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw classifyKubeError(err, this.clusterId, doing);
    }
  }

  async listNodes(): Promise<NodeState[]> {
    return this.pages<NodeState>('listing nodes', async (kc, cont) => {
      const list = await kc.makeApiClient(CoreV1Api).listNode({ limit: this.pageSize, ...cont });
      return { items: list.items.map(toNodeState), next: list.metadata?._continue };
    });
  }

  async nodeStorage(node: string): Promise<NodeStorageStats> {
    const body = await this.run(`reading the kubelet stats of node ${node}`, (kc) =>
      kc.makeApiClient(CoreV1Api).connectGetNodeProxyWithPath({ name: node, path: 'stats/summary' }),
    );
    try {
      return toNodeStorage(body);
    } catch (err) {
      throw new Error(`cluster ${this.clusterId}: unexpected stats/summary of node ${node}`, { cause: err });
    }
  }

  async foldPods<T>(query: PodQuery, init: () => T, step: (acc: T, page: PodDetail[]) => T): Promise<T> {
    const where = query.namespace ? `in ${query.namespace}` : 'in all namespaces';
    const filters = {
      ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
      ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      let acc = init();
      try {
        let cont: { _continue?: string } = {};
        do {
          const list = await this.call(`listing pods ${where}`, (kc) => {
            const core = kc.makeApiClient(CoreV1Api);
            const page = { limit: this.pageSize, ...filters, ...cont };
            return query.namespace
              ? core.listNamespacedPod({ namespace: query.namespace, ...page })
              : core.listPodForAllNamespaces(page);
          });
          acc = step(acc, list.items.map(toPodDetail));
          cont = list.metadata?._continue ? { _continue: list.metadata._continue } : {};
        } while (cont._continue);
        return acc;
      } catch (err) {
        // The list's snapshot was compacted away (410 Gone): start over with a fresh one.
        if ((err as { code?: number }).code === 410 && attempt < LIST_RESTARTS) continue;
        throw classifyKubeError(err, this.clusterId, `listing pods ${where}`);
      }
    }
  }

  async listNodePools(): Promise<NodePoolState[]> {
    return this.karpenter('nodepools', toNodePool);
  }

  async listNodeClaims(): Promise<NodeClaimState[]> {
    return this.karpenter('nodeclaims', toNodeClaim);
  }

  private karpenter<T>(plural: string, map: (raw: unknown) => T): Promise<T[]> {
    // A cluster without Karpenter's CRDs answers 404: nothing to report rather than a failure.
    return this.pages<T>(
      `listing Karpenter ${plural}`,
      async (kc, cont) => {
        const list = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({
          group: 'karpenter.sh',
          version: 'v1',
          plural,
          limit: this.pageSize,
          ...cont,
        })) as {
          items?: unknown[];
          metadata?: { continue?: string };
        };
        return { items: (list.items ?? []).map(map), next: list.metadata?.continue };
      },
      { missingIsEmpty: true },
    );
  }

  /** Reads every page of a list (limit/continue); a list that expires mid-way (410) starts over. */
  private async pages<T>(
    doing: string,
    page: (
      kc: KubeConfig,
      cont: { _continue?: string },
    ) => Promise<{ items: T[]; next?: string | undefined }>,
    opts: { missingIsEmpty?: boolean } = {},
  ): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      const out: T[] = [];
      try {
        let next: string | undefined;
        do {
          const cont = next ? { _continue: next } : {};
          const result = await this.call(doing, (kc) => page(kc, cont));
          out.push(...result.items);
          next = result.next || undefined;
        } while (next);
        return out;
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code === 410 && attempt < LIST_RESTARTS) continue;
        if (code === 404 && opts.missingIsEmpty) return [];
        throw classifyKubeError(err, this.clusterId, doing);
      }
    }
  }

  private async run<T>(doing: string, fn: (kc: KubeConfig) => Promise<T>): Promise<T> {
    try {
      return await this.call(doing, fn);
    } catch (err) {
      throw classifyKubeError(err, this.clusterId, doing);
    }
  }

  protected async call<T>(doing: string, fn: (kc: KubeConfig) => Promise<T>): Promise<T> {
    try {
      return await this.withDeadline(doing, async () => fn(await this.source.kubeConfig(this.clusterId)));
    } catch (err) {
      if ((err as { code?: number }).code !== 401) throw err;
      this.source.invalidate(this.clusterId);
      return this.withDeadline(doing, async () => fn(await this.source.kubeConfig(this.clusterId)));
    }
  }

  private async withDeadline<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TransientError(
              `Cluster ${this.clusterId} did not answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`} while ${doing}`,
              { kind: 'timeout' },
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
