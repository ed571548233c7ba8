import type { ClusterSim } from './cluster-sim.js';
import type { Hpa } from './hpa-controller.js';
import { recordManager } from './managed-fields.js';
import type { Deployment } from './types.js';

export type ManagedBy = 'argocd' | 'helm' | null;

const ARGO_TRACKING = 'argocd.argoproj.io/tracking-id';
const HELM_RELEASE = 'meta.helm.sh/release-name';
const HELM_NAMESPACE = 'meta.helm.sh/release-namespace';

export function requireDeployment(sim: ClusterSim, namespace: string, name: string): Deployment {
  const d = sim.store.get<Deployment>('deployments.apps', namespace, name);
  if (!d) throw new Error(`deployment ${namespace}/${name} not found in cluster ${sim.info.id}`);
  return d;
}

/** An out-of-band write (someone else's kubectl): bumps generation, leaves a managedFields trace. */
export function outOfBand(
  sim: ClusterSim,
  namespace: string,
  name: string,
  manager: string,
  fn: (d: Deployment) => void,
  fields: Record<string, unknown>,
): void {
  requireDeployment(sim, namespace, name);
  sim.store.mutate<Deployment>('deployments.apps', namespace, name, (d) => {
    fn(d);
    recordManager(d, manager, 'apps/v1', sim.now(), fields);
  });
  sim.kick();
}

export function setImage(
  sim: ClusterSim,
  namespace: string,
  name: string,
  ref: string,
  digest: string,
): void {
  sim.digests.set(ref, digest);
  outOfBand(
    sim,
    namespace,
    name,
    'kubectl-set',
    (d) => {
      const first = d.spec.template.spec.containers[0];
      if (first) first.image = ref;
    },
    { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } },
  );
}

/** Adds the ownership markers Argo CD or Helm leave on what they manage (or removes them all). */
export function setManagedBy(sim: ClusterSim, namespace: string, name: string, by: ManagedBy): void {
  requireDeployment(sim, namespace, name);
  sim.store.mutate<Deployment>('deployments.apps', namespace, name, (d) => {
    const labels = { ...d.metadata.labels };
    const annotations = { ...d.metadata.annotations };
    for (const k of [ARGO_TRACKING, HELM_RELEASE, HELM_NAMESPACE]) delete annotations[k];
    delete labels['app.kubernetes.io/managed-by'];
    delete labels['app.kubernetes.io/instance'];
    if (by === 'argocd') {
      annotations[ARGO_TRACKING] = `${name}:apps/Deployment:${namespace}/${name}`;
      labels['app.kubernetes.io/instance'] = name;
    } else if (by === 'helm') {
      annotations[HELM_RELEASE] = name;
      annotations[HELM_NAMESPACE] = namespace;
      labels['app.kubernetes.io/managed-by'] = 'Helm';
      labels['app.kubernetes.io/instance'] = name;
    }
    d.metadata.labels = labels;
    d.metadata.annotations = annotations;
  });
}

export function addHpa(sim: ClusterSim, namespace: string, name: string, min: number, max: number): void {
  const d = requireDeployment(sim, namespace, name);
  const spec = {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    minReplicas: min,
    maxReplicas: max,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ],
  };
  const existing = sim.store.get<Hpa>('horizontalpodautoscalers.autoscaling', namespace, name);
  if (existing)
    sim.store.mutate<Hpa>('horizontalpodautoscalers.autoscaling', namespace, name, (h) => {
      h.spec = spec;
    });
  else
    sim.store.create<Hpa>('horizontalpodautoscalers.autoscaling', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace },
      spec,
      status: { currentReplicas: d.status.replicas ?? 0, desiredReplicas: d.spec.replicas },
    });
  sim.kick();
}
