import type { Condition, ContainerStatus, Pod } from './types.js';

/** Pods that count toward a workload (not being deleted, not finished). */
export function isActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
}

export function isReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Sets a condition, keeping lastTransitionTime when the status does not change. */
export function setCondition(
  conditions: Condition[],
  type: string,
  status: Condition['status'],
  now: string,
  reason?: string,
  message?: string,
): void {
  const idx = conditions.findIndex((c) => c.type === type);
  const prev = conditions[idx];
  const next: Condition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
  if (idx >= 0) conditions[idx] = next;
  else conditions.push(next);
}

/** Applies the same container status to every container of the pod. */
export function setContainers(pod: Pod, fn: (cs: ContainerStatus) => void): void {
  for (const cs of pod.status.containerStatuses ?? []) fn(cs);
}

export function containerNames(pod: Pod): string {
  return pod.spec.containers.map((c) => c.name).join(' ');
}

/** Sets Ready and ContainersReady together, as the kubelet's status manager does. */
/** The pod's condition list, created on first use. */
export function conditionsOf(pod: Pod): Condition[] {
  if (!pod.status.conditions) pod.status.conditions = [];
  return pod.status.conditions;
}

export function setReadiness(pod: Pod, ready: boolean, now: string): void {
  const conds = conditionsOf(pod);
  const reason = ready ? undefined : 'ContainersNotReady';
  const message = ready ? undefined : `containers with unready status: [${containerNames(pod)}]`;
  setCondition(conds, 'Ready', ready ? 'True' : 'False', now, reason, message);
  setCondition(conds, 'ContainersReady', ready ? 'True' : 'False', now, reason, message);
  setContainers(pod, (cs) => {
    cs.ready = ready;
  });
}

/** `ghcr.io/coder/coder-preview:v2` → `ghcr.io/coder/coder-preview` (for imageID). */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}
