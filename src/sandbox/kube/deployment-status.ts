import type { ClusterSim } from './cluster-sim.js';
import type { Condition, Deployment, ReplicaSet, WorkloadStatus } from './types.js';

function upsert(conds: Condition[], next: Condition, now: string, progressed: boolean): void {
  const prev = conds.find((c) => c.type === next.type);
  const changed = !prev || prev.status !== next.status || prev.reason !== next.reason;
  const c: Condition = {
    type: next.type,
    status: next.status,
    lastUpdateTime: changed || progressed ? now : (prev?.lastUpdateTime ?? now),
    lastTransitionTime: !prev || prev.status !== next.status ? now : (prev.lastTransitionTime ?? now),
    ...(next.reason ? { reason: next.reason } : {}),
    ...(next.message ? { message: next.message } : {}),
  };
  const idx = conds.indexOf(prev as Condition);
  if (idx >= 0) conds[idx] = c;
  else conds.push(c);
}

/** Recomputes status counts and the Available/Progressing conditions (incl. progress deadline). */
export function updateDeploymentStatus(
  sim: ClusterSim,
  d: Deployment,
  newRs: ReplicaSet,
  rss: ReplicaSet[],
): void {
  const desired = d.spec.replicas;
  const sum = (f: (s: WorkloadStatus) => number | undefined) =>
    rss.reduce((n, r) => n + (f(r.status) ?? 0), 0);
  const replicas = sum((s) => s.replicas);
  const updated = newRs.status.replicas ?? 0;
  const ready = sum((s) => s.readyReplicas);
  const available = sum((s) => s.availableReplicas);
  const unavailable = Math.max(desired - available, 0);
  const maxUnavailableRaw = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  const maxUnavailable =
    typeof maxUnavailableRaw === 'number'
      ? maxUnavailableRaw
      : Math.floor((Number.parseInt(maxUnavailableRaw, 10) / 100) * desired);
  const now = sim.now();
  sim.store.mutate<Deployment>('deployments.apps', d.metadata.namespace, d.metadata.name, (x) => {
    const prev = x.status ?? {};
    const progressed =
      prev.replicas !== (replicas || undefined) ||
      prev.updatedReplicas !== (updated || undefined) ||
      prev.readyReplicas !== (ready || undefined) ||
      prev.availableReplicas !== (available || undefined) ||
      prev.observedGeneration !== x.metadata.generation;
    const conds = [...(prev.conditions ?? [])];
    const availableOk = available >= desired - maxUnavailable;
    upsert(
      conds,
      availableOk
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      now,
      false,
    );
    const rsName = newRs.metadata.name;
    const complete = updated === desired && replicas === desired && available === desired;
    const progressing = conds.find((c) => c.type === 'Progressing');
    const deadlineMs = (x.spec.progressDeadlineSeconds ?? 600) * 1000;
    const sinceProgress = sim.clock.now() - Date.parse(progressing?.lastUpdateTime ?? now);
    if (complete)
      upsert(
        conds,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
        now,
        progressed,
      );
    else if (progressed || !progressing)
      upsert(
        conds,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${rsName}" is progressing.`,
        },
        now,
        true,
      );
    else if (sinceProgress > deadlineMs)
      upsert(
        conds,
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        },
        now,
        false,
      );
    x.status = {
      observedGeneration: x.metadata.generation ?? 1,
      ...(replicas ? { replicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(unavailable ? { unavailableReplicas: unavailable } : {}),
      conditions: conds,
    };
  });
}
