import type {
  CoreV1Event,
  V1Deployment,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { parseQuantity } from '../../inventory/parse-quantity.js';
import type {
  AutoscalerState,
  ClusterCapacity,
  DeploymentState,
  EventState,
  PodState,
} from '../../ports/clusters.js';

export function toDeploymentState(cluster: string, d: V1Deployment): DeploymentState {
  return {
    cluster,
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    desired: d.spec?.replicas ?? 0,
    ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    images: (d.spec?.template.spec?.containers ?? []).map((c) => c.image ?? ''),
    labels: d.metadata?.labels ?? {},
    annotations: d.metadata?.annotations ?? {},
    selector: Object.entries(d.spec?.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    ...(d.metadata?.generation !== undefined ? { generation: d.metadata.generation } : {}),
    ...(d.status?.observedGeneration !== undefined
      ? { observedGeneration: d.status.observedGeneration }
      : {}),
    total: d.status?.replicas ?? 0,
  };
}

export function toPodState(p: V1Pod): PodState {
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  const reasons = statuses.flatMap((s) => {
    const r = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    return r ? [r] : [];
  });
  const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return {
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
    reasons,
    ...(scheduled?.status === 'False' ? { unschedulable: scheduled.message ?? scheduled.reason ?? '' } : {}),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
  };
}

export function toEventState(e: CoreV1Event): EventState {
  return {
    object: `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`,
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.count ?? 1,
  };
}

export function toAutoscalerState(h: V2HorizontalPodAutoscaler): AutoscalerState {
  return {
    name: h.metadata?.name ?? '',
    target: `${h.spec?.scaleTargetRef.kind ?? ''}/${h.spec?.scaleTargetRef.name ?? ''}`,
    min: h.spec?.minReplicas ?? 1,
    max: h.spec?.maxReplicas ?? 0,
  };
}

/** Allocatable of schedulable nodes against the requests of pods that hold resources. */
export function toCapacity(nodes: V1Node[], pods: V1Pod[]): ClusterCapacity {
  const usable = nodes.filter((n) => !n.spec?.unschedulable);
  const holding = pods.filter(
    (p) => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  const requests = holding.flatMap((p) => (p.spec?.containers ?? []).map((c) => c.resources?.requests ?? {}));
  return {
    nodes: usable.length,
    cpuAllocatable: sum(usable.map((n) => parseQuantity(n.status?.allocatable?.cpu))),
    memoryAllocatable: sum(usable.map((n) => parseQuantity(n.status?.allocatable?.memory))),
    cpuRequested: sum(requests.map((r) => parseQuantity(r.cpu))),
    memoryRequested: sum(requests.map((r) => parseQuantity(r.memory))),
  };
}

/** The last write to an object: the latest managedFields time (falls back to creation). */
export function lastWriteOf(meta: V1ObjectMeta | undefined): number | undefined {
  const times = (meta?.managedFields ?? [])
    .map((m) => (m.time ? new Date(m.time).getTime() : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  if (times.length) return Math.max(...times);
  return meta?.creationTimestamp ? new Date(meta.creationTimestamp).getTime() : undefined;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
