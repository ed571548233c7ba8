import type { ClusterSim } from './cluster-sim.js';
import { hashView } from './defaults.js';
import { updateDeploymentStatus } from './deployment-status.js';
import { fnv32a, safeEncode } from './random.js';
import { clone, type Deployment, type PodTemplate, type ReplicaSet } from './types.js';

const REVISION = 'deployment.kubernetes.io/revision';

/**
 * JSON with sorted keys and without null/empty members: the hash must not depend on field order or
 * on zero values a client serialised (`creationTimestamp: null`, `resources: {}`), as with Go structs.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, canonical(v)] as const)
      .filter(([, c]) => c !== '{}')
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, c]) => `${JSON.stringify(k)}:${c}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** pod-template-hash: a stable hash of the pod template, encoded like the deployment controller does. */
export function templateHash(template: PodTemplate): string {
  const t = clone(template);
  delete t.metadata.labels?.['pod-template-hash'];
  if (t.spec) hashView(t.spec);
  return safeEncode(fnv32a(canonical(t)));
}

/** Copies of the Deployment's ReplicaSets (the controller updates its copies as it scales them). */
export function replicaSetsOf(sim: ClusterSim, d: Deployment): ReplicaSet[] {
  return sim.store
    .peek<ReplicaSet>('replicasets.apps', d.metadata.namespace)
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid))
    .map((rs) => clone(rs));
}

function resolve(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const pct = Number.parseInt(value ?? '25%', 10) / 100;
  return roundUp ? Math.ceil(pct * total) : Math.floor(pct * total);
}

function scaleRs(sim: ClusterSim, d: Deployment, rs: ReplicaSet, to: number): void {
  const from = rs.spec.replicas;
  if (from === to) return;
  sim.store.mutate<ReplicaSet>('replicasets.apps', rs.metadata.namespace, rs.metadata.name, (r) => {
    r.spec.replicas = to;
    r.metadata.annotations = {
      ...r.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas),
    };
  });
  rs.spec.replicas = to;
  // The ReplicaSet controller reacts to this change on its next pass.
  sim.kick();
  const dir = to > from ? 'up' : 'down';
  sim.event(
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${to}`,
    {
      component: 'deployment-controller',
    },
  );
}

function createNewRs(
  sim: ClusterSim,
  d: Deployment,
  hash: string,
  revision: number,
  replicas: number,
): ReplicaSet {
  const template = clone(d.spec.template);
  template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
  const rs = sim.store.create<ReplicaSet>('replicasets.apps', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas),
        'deployment.kubernetes.io/max-replicas': String(d.spec.replicas + 1),
        [REVISION]: String(revision),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name,
          uid: d.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
      template,
    },
    status: { replicas: 0 },
  });
  sim.store.mutate<Deployment>('deployments.apps', d.metadata.namespace, d.metadata.name, (x) => {
    x.metadata.annotations = { ...x.metadata.annotations, [REVISION]: String(revision) };
  });
  scaleRs(sim, d, rs, replicas);
  return rs;
}

/** A rollback to an older template reuses its ReplicaSet, which becomes the newest revision. */
function promote(sim: ClusterSim, d: Deployment, rs: ReplicaSet, revision: number): void {
  const annotate = (o: ReplicaSet | Deployment) => {
    o.metadata.annotations = { ...o.metadata.annotations, [REVISION]: String(revision) };
  };
  sim.store.mutate<ReplicaSet>('replicasets.apps', rs.metadata.namespace, rs.metadata.name, annotate);
  sim.store.mutate<Deployment>('deployments.apps', d.metadata.namespace, d.metadata.name, annotate);
  annotate(rs);
}

/** Rolling update as the deployment controller does it: surge the new ReplicaSet, then drain the old ones. */
function rollOut(sim: ClusterSim, d: Deployment, newRs: ReplicaSet, olds: ReplicaSet[]): void {
  const desired = d.spec.replicas;
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = resolve(ru?.maxSurge, desired, true);
  let maxUnavailable = resolve(ru?.maxUnavailable, desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  const all = [newRs, ...olds];
  const total = () => all.reduce((n, r) => n + r.spec.replicas, 0);
  if (newRs.spec.replicas > desired) scaleRs(sim, d, newRs, desired);
  else if (newRs.spec.replicas < desired) {
    const up = Math.min(desired + maxSurge - total(), desired - newRs.spec.replicas);
    if (up > 0) scaleRs(sim, d, newRs, newRs.spec.replicas + up);
  }
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = newRs.spec.replicas - (newRs.status.availableReplicas ?? 0);
  let budget = total() - minAvailable - newUnavailable;
  if (budget <= 0) return;
  const oldestFirst = [...olds].sort(
    (a, b) =>
      Number(a.metadata.annotations?.[REVISION] ?? 0) - Number(b.metadata.annotations?.[REVISION] ?? 0),
  );
  for (const rs of oldestFirst) {
    const unhealthy = rs.spec.replicas - (rs.status.availableReplicas ?? 0);
    const n = Math.min(budget, Math.max(unhealthy, 0));
    if (n > 0) {
      scaleRs(sim, d, rs, rs.spec.replicas - n);
      budget -= n;
    }
  }
  let canDrop =
    all.reduce((n, r) => n + Math.min(r.status.availableReplicas ?? 0, r.spec.replicas), 0) - minAvailable;
  for (const rs of oldestFirst) {
    if (canDrop <= 0) break;
    const n = Math.min(canDrop, rs.spec.replicas);
    if (n > 0) {
      scaleRs(sim, d, rs, rs.spec.replicas - n);
      canDrop -= n;
    }
  }
}

export function syncDeployment(sim: ClusterSim, input: Deployment): void {
  const d = sim.store.get<Deployment>('deployments.apps', input.metadata.namespace, input.metadata.name);
  if (!d) return;
  const hash = templateHash(d.spec.template);
  const rss = replicaSetsOf(sim, d);
  let newRs = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const olds = rss.filter((rs) => rs !== newRs);
  const activeOlds = olds.filter((rs) => rs.spec.replicas > 0);
  const maxRevision = Math.max(0, ...rss.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));
  if (!newRs) newRs = createNewRs(sim, d, hash, maxRevision + 1, activeOlds.length ? 0 : d.spec.replicas);
  else if (Number(newRs.metadata.annotations?.[REVISION] ?? 0) < maxRevision)
    promote(sim, d, newRs, maxRevision + 1);
  if (activeOlds.length === 0) scaleRs(sim, d, newRs, d.spec.replicas);
  else rollOut(sim, d, newRs, activeOlds);
  updateDeploymentStatus(sim, d, newRs, replicaSetsOf(sim, d));
}
