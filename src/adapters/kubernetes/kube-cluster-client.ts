import {
  AppsV1Api,
  AutoscalingV2Api,
  type ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  PatchStrategy,
  type RequestContext,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { TransientError } from '../../errors/transient-error.js';
import type { CallOptions } from '../../ports/call-options.js';
import { abortable, abortReason, throwIfAborted } from '../../ports/call-options.js';
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
import { rawGet, rawList } from './raw-get.js';

export { toDeploymentState } from './kube-mappers.js';

/** Where a cluster's KubeConfig comes from; `invalidate` drops a token the cluster refused. */
export interface KubeConfigSource {
  kubeConfig(clusterId: string, opts?: CallOptions): Promise<KubeConfig>;
  invalidate(clusterId: string): void;
}

/** One request's per-call options: its signal, set on the request context the generated client hands to fetch. */
type Request = ConfigurationOptions;

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
 * apply, and a 401 is retried once with a freshly minted token before it is reported. Each request carries
 * one signal (the caller's and the deadline's together), so an aborted run's request is cancelled on the wire.
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

  async getDeployment(
    namespace: string,
    name: string,
    opts: CallOptions = {},
  ): Promise<DeploymentState | undefined> {
    const doing = `reading deployment ${namespace}/${name}`;
    try {
      const d = await this.call(doing, opts.signal, (kc, req) =>
        kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name }, req),
      );
      return toDeploymentState(this.clusterId, d);
    } catch (err) {
      if ((err as { code?: number }).code === 404 && !opts.signal?.aborted) return undefined;
      throw this.classify(err, doing, opts.signal);
    }
  }

  async scaleDeployment(
    namespace: string,
    name: string,
    replicas: number,
    opts: CallOptions = {},
  ): Promise<void> {
    await this.run(`scaling deployment ${namespace}/${name}`, opts.signal, (kc, req) =>
      kc
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeploymentScale(
          { namespace, name, body: { spec: { replicas } }, fieldManager: 'opsbot' },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, req),
        ),
    );
  }

  /** As `kubectl rollout restart` does it: a strategic merge patch of the pod template's annotation. */
  async restartDeployment(
    namespace: string,
    name: string,
    at: string,
    opts: CallOptions = {},
  ): Promise<void> {
    const body = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } },
    };
    await this.run(`restarting deployment ${namespace}/${name}`, opts.signal, (kc, req) =>
      kc
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeployment(
          { namespace, name, body, fieldManager: 'opsbot' },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch, req),
        ),
    );
  }

  async listPods(namespace: string, labelSelector: string, opts: CallOptions = {}): Promise<PodState[]> {
    const list = await this.run(`listing pods in ${namespace}`, opts.signal, (kc, req) =>
      kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector }, req),
    );
    return list.items.map(toPodState);
  }

  async listEvents(namespace: string, opts: CallOptions = {}): Promise<EventState[]> {
    const list = await this.run(`listing events in ${namespace}`, opts.signal, (kc, req) =>
      kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace, limit: 500 }, req),
    );
    return list.items.map(toEventState);
  }

  async capacity(opts: CallOptions = {}): Promise<ClusterCapacity> {
    const [nodes, pods] = await Promise.all([
      this.run('listing nodes', opts.signal, (kc, req) => kc.makeApiClient(CoreV1Api).listNode({}, req)),
      this.run('listing pods', opts.signal, (kc, req) =>
        kc.makeApiClient(CoreV1Api).listPodForAllNamespaces({}, req),
      ),
    ]);
    return toCapacity(nodes.items, pods.items);
  }

  async listAutoscalers(namespace: string, opts: CallOptions = {}): Promise<AutoscalerState[]> {
    const list = await this.run(`listing autoscalers in ${namespace}`, opts.signal, (kc, req) =>
      kc.makeApiClient(AutoscalingV2Api).listNamespacedHorizontalPodAutoscaler({ namespace }, req),
    );
    return list.items.map(toAutoscalerState);
  }

  async secretUpdatedAt(
    namespace: string,
    name: string,
    opts: CallOptions = {},
  ): Promise<number | undefined> {
    const doing = `reading the metadata of secret ${namespace}/${name}`;
    try {
      const secret = await this.call(doing, opts.signal, (kc, req) =>
        kc
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({ namespace, name }, setHeaderOptions('Accept', METADATA_ONLY, req)),
      );
      return lastWriteOf(secret.metadata);
    } catch (err) {
      if ((err as { code?: number }).code === 404 && !opts.signal?.aborted) return undefined;
      throw this.classify(err, doing, opts.signal);
    }
  }

  async secretAnnotations(
    namespace: string,
    name: string,
    opts: CallOptions = {},
  ): Promise<Record<string, string> | undefined> {
    const doing = `reading the annotations of secret ${namespace}/${name}`;
    try {
      const secret = await this.call(doing, opts.signal, (kc, req) =>
        kc
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({ namespace, name }, setHeaderOptions('Accept', METADATA_ONLY, req)),
      );
      return { ...(secret.metadata?.annotations ?? {}) };
    } catch (err) {
      if ((err as { code?: number }).code === 404 && !opts.signal?.aborted) return undefined;
      throw this.classify(err, doing, opts.signal);
    }
  }

  async listNodes(opts: CallOptions = {}): Promise<NodeState[]> {
    return this.pages<NodeState>('listing nodes', opts.signal, async (kc, cont, req) => {
      const list = await kc.makeApiClient(CoreV1Api).listNode({ limit: this.pageSize, ...cont }, req);
      return { items: list.items.map(toNodeState), next: list.metadata?._continue };
    });
  }

  async nodeStorage(node: string, opts: CallOptions = {}): Promise<NodeStorageStats> {
    // connectGetNodeProxyWithPath's path, read raw: thousands of these run per diagnosis.
    const path = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`;
    const body = await this.run(`reading the kubelet stats of node ${node}`, opts.signal, (kc, req) =>
      rawGet(kc, req, path, {}),
    );
    try {
      return toNodeStorage(body);
    } catch (err) {
      throw new Error(`cluster ${this.clusterId}: unexpected stats/summary of node ${node}`, { cause: err });
    }
  }

  async foldPods<T>(
    query: PodQuery,
    init: () => T,
    step: (acc: T, page: PodDetail[]) => T,
    opts: CallOptions = {},
  ): Promise<T> {
    const where = query.namespace ? `in ${query.namespace}` : 'in all namespaces';
    const filters = {
      ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
      ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      let acc = init();
      try {
        let cont: { continue?: string } = {};
        const path = query.namespace
          ? `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods`
          : '/api/v1/pods';
        do {
          const params = { limit: this.pageSize, ...filters, ...cont };
          const page = await this.call(`listing pods ${where}`, opts.signal, async (kc, req) => {
            // Each pod is mapped as it is read: the page's raw objects never exist all at once.
            const details: PodDetail[] = [];
            const next = await rawList(kc, req, path, params, (p) => details.push(toPodDetail(p as V1Pod)));
            return { details, next };
          });
          acc = step(acc, page.details);
          cont = page.next ? { continue: page.next } : {};
        } while (cont.continue);
        return acc;
      } catch (err) {
        if (opts.signal?.aborted) throw abortReason(opts.signal);
        // The list's snapshot was compacted away (410 Gone): start over with a fresh one.
        if ((err as { code?: number }).code === 410 && attempt < LIST_RESTARTS) continue;
        throw classifyKubeError(err, this.clusterId, `listing pods ${where}`);
      }
    }
  }

  async listNodePools(opts: CallOptions = {}): Promise<NodePoolState[]> {
    return this.karpenter('nodepools', toNodePool, opts.signal);
  }

  async listNodeClaims(opts: CallOptions = {}): Promise<NodeClaimState[]> {
    return this.karpenter('nodeclaims', toNodeClaim, opts.signal);
  }

  private karpenter<T>(
    plural: string,
    map: (raw: unknown) => T,
    signal: AbortSignal | undefined,
  ): Promise<T[]> {
    // A cluster without Karpenter's CRDs answers 404: nothing to report rather than a failure.
    return this.pages<T>(
      `listing Karpenter ${plural}`,
      signal,
      async (kc, cont, req) => {
        const list = (await kc
          .makeApiClient(CustomObjectsApi)
          .listClusterCustomObject(
            { group: 'karpenter.sh', version: 'v1', plural, limit: this.pageSize, ...cont },
            req,
          )) as {
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
    signal: AbortSignal | undefined,
    page: (
      kc: KubeConfig,
      cont: { _continue?: string },
      req: Request,
    ) => Promise<{ items: T[]; next?: string | undefined }>,
    opts: { missingIsEmpty?: boolean } = {},
  ): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      const out: T[] = [];
      try {
        let next: string | undefined;
        do {
          const cont = next ? { _continue: next } : {};
          const result = await this.call(doing, signal, (kc, req) => page(kc, cont, req));
          out.push(...result.items);
          next = result.next || undefined;
        } while (next);
        return out;
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        const code = (err as { code?: number }).code;
        if (code === 410 && attempt < LIST_RESTARTS) continue;
        if (code === 404 && opts.missingIsEmpty) return [];
        throw classifyKubeError(err, this.clusterId, doing);
      }
    }
  }

  private async run<T>(
    doing: string,
    signal: AbortSignal | undefined,
    fn: (kc: KubeConfig, req: Request) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.call(doing, signal, fn);
    } catch (err) {
      throw this.classify(err, doing, signal);
    }
  }

  /** An aborted run gets its abort back, never a classified failure (that would be retried or reported). */
  private classify(err: unknown, doing: string, signal: AbortSignal | undefined): Error {
    return signal?.aborted ? abortReason(signal) : classifyKubeError(err, this.clusterId, doing);
  }

  protected async call<T>(
    doing: string,
    signal: AbortSignal | undefined,
    fn: (kc: KubeConfig, req: Request) => Promise<T>,
  ): Promise<T> {
    const attempt = () =>
      this.withDeadline(doing, signal, async (req, both) => {
        const kc = await this.source.kubeConfig(this.clusterId, { signal: both });
        return fn(kc, withPooledConnections(kc, req));
      });
    try {
      return await attempt();
    } catch (err) {
      if ((err as { code?: number }).code !== 401 || signal?.aborted) throw err;
      this.source.invalidate(this.clusterId);
      return attempt();
    }
  }

  /**
   * One request under one signal: the caller's (a lost lock) and the deadline's together. client-node 2's
   * generated methods take no signal, but its fetch sends `RequestContext.getSignal()`, so a per-call
   * middleware sets it and the request is cancelled on the wire; the race also stops the caller waiting in
   * the steps before the request (the KubeConfig and its token).
   */
  private async withDeadline<T>(
    doing: string,
    outer: AbortSignal | undefined,
    fn: (req: Request, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    throwIfAborted(outer);
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          new TransientError(
            `Cluster ${this.clusterId} did not answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`} while ${doing}`,
            { kind: 'timeout' },
          ),
        ),
      this.timeoutMs,
    );
    const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
    try {
      return await abortable(fn(withSignal(signal), signal), signal);
    } catch (err) {
      // A cancelled fetch rejects with undici's rendering of the reason: report the reason itself.
      if (signal.aborted) throw abortReason(signal);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The connection pool kept per KubeConfig, with what it was made for (server and CA). */
const pools = new WeakMap<
  KubeConfig,
  { key: string; dispatcher: NonNullable<ReturnType<RequestContext['getDispatcher']>> }
>();

/**
 * client-node 2.0 gives every request a new undici Agent, i.e. a new TLS connection and handshake: 5,000
 * kubelet stats calls cost seconds of CPU and hundreds of MB of idle sockets. This middleware keeps the
 * first Agent of a KubeConfig and server/CA and hands it to every later request (the token is a header,
 * so a refreshed token keeps the pool).
 */
function withPooledConnections(kc: KubeConfig, req: Request): Request {
  const middleware: ObservableMiddleware = {
    pre(context) {
      const cluster = kc.getCurrentCluster();
      const key = `${cluster?.server}|${cluster?.caData ?? cluster?.caFile ?? ''}|${cluster?.skipTLSVerify ?? false}`;
      const held = pools.get(kc);
      const fresh = context.getDispatcher();
      if (held && held.key === key) context.setDispatcher(held.dispatcher);
      else if (fresh) pools.set(kc, { key, dispatcher: fresh });
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { ...req, middleware: [...(req.middleware ?? []), middleware], middlewareMergeStrategy: 'append' };
}

/** Per-call options whose middleware puts `signal` on the request (appended after the call's own). */
function withSignal(signal: AbortSignal): Request {
  const middleware: ObservableMiddleware = {
    pre(context) {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
