import type { CallOptions } from './call-options.js';

/** A deployment as opsbot sees it: enough for status, scaling plans and drift. */
export interface DeploymentState {
  cluster: string;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  images: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The pod selector (`app=x,tier=y`), to find its pods. */
  selector: string;
  /** metadata.generation and status.observedGeneration: a rollout is only judged once the controller saw the spec. */
  generation?: number;
  observedGeneration?: number;
  /** status.replicas: pods of every ReplicaSet, old ones included (a rollout is done when this equals `updated`). */
  total?: number;
}

/** A pod of a deployment, reduced to what explains "why is it not ready". */
export interface PodState {
  name: string;
  phase: string;
  ready: boolean;
  nodeName?: string;
  /** Waiting/terminated reasons of its containers (ImagePullBackOff, CrashLoopBackOff …). */
  reasons: string[];
  /** PodScheduled=False message, e.g. "0/3 nodes are available: 3 Insufficient cpu." */
  unschedulable?: string;
  restarts: number;
}

export interface EventState {
  /** `Pod/<name>`, `Deployment/<name>` … */
  object: string;
  type: string;
  reason: string;
  message: string;
  count: number;
}

/** Sum over the cluster's schedulable nodes, and what running pods already request. */
export interface ClusterCapacity {
  nodes: number;
  cpuAllocatable: number;
  memoryAllocatable: number;
  cpuRequested: number;
  memoryRequested: number;
}

/** An HPA and the deployment it scales. */
export interface AutoscalerState {
  name: string;
  target: string;
  min: number;
  max: number;
}

/**
 * One Kubernetes cluster, reached through whatever credentials the adapter holds. Every call takes the
 * run's signal last: aborting it cancels the request in flight (see CallOptions).
 */
export interface ClusterClient {
  readonly clusterId: string;
  getDeployment(namespace: string, name: string, opts?: CallOptions): Promise<DeploymentState | undefined>;
  /** Sets spec.replicas through the `scale` subresource. */
  scaleDeployment(namespace: string, name: string, replicas: number, opts?: CallOptions): Promise<void>;
  /**
   * `kubectl rollout restart`: sets the pod template's `kubectl.kubernetes.io/restartedAt` annotation to `at`
   * (RFC 3339), so the deployment rolls its pods onto whatever the image reference resolves to now.
   */
  restartDeployment(namespace: string, name: string, at: string, opts?: CallOptions): Promise<void>;
  listPods(namespace: string, labelSelector: string, opts?: CallOptions): Promise<PodState[]>;
  listEvents(namespace: string, opts?: CallOptions): Promise<EventState[]>;
  capacity(opts?: CallOptions): Promise<ClusterCapacity>;
  listAutoscalers(namespace: string, opts?: CallOptions): Promise<AutoscalerState[]>;
  /** When the Secret was last written (managedFields / annotations; its data is never used). */
  secretUpdatedAt(namespace: string, name: string, opts?: CallOptions): Promise<number | undefined>;
  /** A Secret's annotations (metadata only: its data never reaches opsbot); undefined when it does not exist. */
  secretAnnotations(
    namespace: string,
    name: string,
    opts?: CallOptions,
  ): Promise<Record<string, string> | undefined>;
  /** Every node, read in pages. */
  listNodes(opts?: CallOptions): Promise<NodeState[]>;
  /** A node's root filesystem use from its kubelet (`nodes/proxy` stats/summary). */
  nodeStorage(node: string, opts?: CallOptions): Promise<NodeStorageStats>;
  /**
   * Folds over the pods matching `query` a page at a time (limit/continue), so memory holds one page,
   * not the cluster. When the API server expires the list (410), the fold starts over from `init()`.
   */
  foldPods<T>(
    query: PodQuery,
    init: () => T,
    step: (acc: T, page: PodDetail[]) => T,
    opts?: CallOptions,
  ): Promise<T>;
  /** Karpenter NodePools (`karpenter.sh/v1`); [] where Karpenter is not installed. */
  listNodePools(opts?: CallOptions): Promise<NodePoolState[]>;
  listNodeClaims(opts?: CallOptions): Promise<NodeClaimState[]>;
}

/** Access to every cluster of the inventory by id. */
export interface Clusters {
  client(clusterId: string): ClusterClient;
}

/** A node condition worth reporting (pressure, Ready), with when it last changed. */
export interface NodeConditionState {
  type: string;
  status: string;
  reason: string;
  message: string;
  since?: number;
}

/** A node as diagnostics see it: schedulability, pressure, what it offers. */
export interface NodeState {
  name: string;
  /** `karpenter.sh/nodepool` label, when Karpenter made it. */
  pool?: string;
  unschedulable: boolean;
  conditions: NodeConditionState[];
  cpuAllocatable: number;
  memoryAllocatable: number;
  createdAt?: number;
}

/** The kubelet's view of a node's root filesystem (`stats/summary`), with the pods using most of it. */
export interface NodeStorageStats {
  node: string;
  capacityBytes: number;
  usedBytes: number;
  /** Largest users of ephemeral storage on the node, biggest first (at most 3). */
  topPods: { namespace: string; name: string; usedBytes: number }[];
}

export interface ContainerDetail {
  name: string;
  image: string;
  /** The digest the kubelet really pulled (`repo@sha256:…`); empty until the container started. */
  imageID: string;
  ready: boolean;
  restarts: number;
  memoryLimit?: string;
  waiting?: { reason: string; message: string };
  lastTerminated?: { reason: string; exitCode: number; finishedAt?: number };
}

/** A pod reduced to what explains it: phase, reasons, scheduling, containers, requests. */
export interface PodDetail {
  namespace: string;
  name: string;
  phase: string;
  /** Pod-level reason and message (`Evicted`, "The node was low on resource: …"). */
  reason?: string;
  message?: string;
  nodeName?: string;
  createdAt?: number;
  /** When the pod stopped (eviction), from its DisruptionTarget condition or containers. */
  endedAt?: number;
  labels: Record<string, string>;
  containers: ContainerDetail[];
  /** PodScheduled=False: the scheduler's message and since when. */
  unschedulable?: { message: string; since?: number };
  /** Sum of the containers' requests (CPU cores, memory bytes). */
  requests: { cpu: number; memory: number };
}

/** Which pods to read; no namespace means every namespace. Selectors are applied by the API server. */
export interface PodQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface NodePoolState {
  name: string;
  ready: boolean;
  /** The first condition that is not True, to say why. */
  notReady?: { type: string; reason: string; message: string };
  limits: { cpu?: number; memory?: number };
  used: { cpu: number; memory: number; nodes: number };
}

export interface NodeClaimState {
  name: string;
  pool: string;
  nodeName?: string;
  createdAt?: number;
  conditions: NodeConditionState[];
}
