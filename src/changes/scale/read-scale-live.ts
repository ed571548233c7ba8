import { UserError } from '../../errors/user-error.js';
import type { Deployment } from '../../inventory/schema.js';
import type { CallOptions } from '../../ports/call-options.js';
import type { ClusterCapacity, Clusters, DeploymentState } from '../../ports/clusters.js';
import { code } from '../../slack-text/code.js';
import { clusterRead } from './cluster-read.js';
import type { ResolvedItem } from './resolve-targets.js';
import type { ScaleLive } from './scale-change.js';

const ARGO_TRACKING = 'argocd.argoproj.io/tracking-id';
const ARGO_INSTANCE = 'argocd.argoproj.io/instance';
const HELM_RELEASE = 'meta.helm.sh/release-name';

/** Desired/ready of each target, plus what planning needs to warn: other owners and cluster capacity. */
export async function readScaleLive(
  clusters: Clusters,
  items: ResolvedItem[],
  detail: boolean,
  /** Planning: a failing cluster becomes a message naming it. Applying: it stays transient (retried). */
  planning = true,
  /** The run's signal, passed to every read. */
  signal?: AbortSignal,
): Promise<ScaleLive> {
  const live: ScaleLive = { targets: {}, owners: {}, capacity: {} };
  const call = { signal };
  const states = await Promise.all(items.map((i) => readDeployment(clusters, i.deployment, planning, call)));
  items.forEach((item, n) => {
    const state = states[n]!;
    live.targets[item.deployment.target] = { desired: state.desired, ready: state.ready };
  });
  if (!detail) return live;
  const namespaces = unique(items.map((i) => `${i.deployment.cluster}/${i.deployment.namespace}`));
  const hpas = new Map(
    await Promise.all(
      namespaces.map(async (key) => {
        const [cluster, namespace] = key.split('/') as [string, string];
        return [key, await clusterRead(clusters.client(cluster).listAutoscalers(namespace, call))] as const;
      }),
    ),
  );
  items.forEach((item, n) => {
    const d = item.deployment;
    const hpa = hpas.get(`${d.cluster}/${d.namespace}`)?.find((h) => h.target === `Deployment/${d.name}`);
    const owners = ownersOf(states[n]!);
    if (hpa) owners.unshift(`HPA ${code(hpa.name)} (${hpa.min}–${hpa.max} replicas)`);
    if (owners.length) live.owners[d.target] = owners;
  });
  const clusterIds = unique(items.map((i) => i.deployment.cluster));
  const capacities = await Promise.all(
    clusterIds.map((c): Promise<ClusterCapacity> => clusterRead(clusters.client(c).capacity(call))),
  );
  clusterIds.forEach((c, n) => {
    live.capacity[c] = capacities[n]!;
  });
  return live;
}

async function readDeployment(
  clusters: Clusters,
  d: Deployment,
  planning: boolean,
  call: CallOptions,
): Promise<DeploymentState> {
  const read = clusters.client(d.cluster).getDeployment(d.namespace, d.name, call);
  const state = await (planning ? clusterRead(read) : read);
  if (!state)
    throw new UserError(
      `Deployment ${d.namespace}/${d.name} (\`${d.target}\`) does not exist in cluster ${d.cluster}; the inventory and the cluster disagree.`,
    );
  return state;
}

function ownersOf(state: DeploymentState): string[] {
  const owners: string[] = [];
  if (state.annotations[ARGO_TRACKING] || state.labels[ARGO_INSTANCE]) owners.push('Argo CD');
  if (state.annotations[HELM_RELEASE] || state.labels['app.kubernetes.io/managed-by'] === 'Helm')
    owners.push(`Helm release ${code(state.annotations[HELM_RELEASE] ?? '?')}`);
  return owners;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
