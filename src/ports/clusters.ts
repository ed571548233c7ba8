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

/** One Kubernetes cluster, reached through whatever credentials the adapter holds. */
export interface ClusterClient {
  readonly clusterId: string;
  getDeployment(namespace: string, name: string): Promise<DeploymentState | undefined>;
  /** Sets spec.replicas through the `scale` subresource. */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;
  listPods(namespace: string, labelSelector: string): Promise<PodState[]>;
  listEvents(namespace: string): Promise<EventState[]>;
  capacity(): Promise<ClusterCapacity>;
  listAutoscalers(namespace: string): Promise<AutoscalerState[]>;
  /** When the Secret was last written (managedFields / annotations; its data is never used). */
  secretUpdatedAt(namespace: string, name: string): Promise<number | undefined>;
}

/** Access to every cluster of the inventory by id. */
export interface Clusters {
  client(clusterId: string): ClusterClient;
}
