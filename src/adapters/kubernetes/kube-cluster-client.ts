import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
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
  PodState,
} from '../../ports/clusters.js';
import { classifyKubeError } from './classify-kube-error.js';
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
}

// Asks the API server for metadata only: the Secret's data never reaches opsbot.
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/**
 * ClusterClient over @kubernetes/client-node. The KubeConfig is fetched per call so refreshed tokens
 * apply, and a 401 is retried once with a freshly minted token before it is reported.
 */
export class KubeClusterClient implements ClusterClient {
  private readonly timeoutMs: number;

  constructor(
    readonly clusterId: string,
    private readonly source: KubeConfigSource,
    options: KubeClusterClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
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
