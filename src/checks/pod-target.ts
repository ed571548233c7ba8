import type { Deployment, Environment } from '../inventory/schema.js';
import type { PodDetail } from '../ports/clusters.js';

// `<deployment>-<replicaset hash>-<suffix>`: the names a Deployment's pods get.
const REPLICA_SUFFIX = /^[a-z0-9]{5,10}-[a-z0-9]{5}$/;

/** The inventory deployment a pod belongs to (by namespace and generated name), if any. */
export function podTarget(env: Environment, clusterId: string, pod: PodDetail): Deployment | undefined {
  return env.deployments
    .filter(
      (d) =>
        d.cluster === clusterId &&
        d.namespace === pod.namespace &&
        pod.name.startsWith(`${d.name}-`) &&
        REPLICA_SUFFIX.test(pod.name.slice(d.name.length + 1)),
    )
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/** Provisioners first (the runbook's first suspect for failed builds), then the rest by name. */
export function provisionersFirst(env: Environment, clusterId: string) {
  const rank = (p: PodDetail) => (podTarget(env, clusterId, p)?.kind === 'provisioner' ? 0 : 1);
  return (a: PodDetail, b: PodDetail) => rank(a) - rank(b) || a.name.localeCompare(b.name);
}
