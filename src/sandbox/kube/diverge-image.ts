import type { ClusterSim } from './cluster-sim.js';
import { outOfBand, requireDeployment } from './deployment-ops.js';

/**
 * The same image tag resolving to another build in this cluster (the tag moved upstream and only this
 * cluster pulled again), then a rollout restart: the spec is unchanged, the pods' imageID is not.
 * Returns the digest the new pods run.
 */
export function divergeImage(sim: ClusterSim, namespace: string, name: string): string {
  const d = requireDeployment(sim, namespace, name);
  const ref = d.spec.template.spec.containers[0]?.image;
  if (!ref) throw new Error(`deployment ${namespace}/${name} has no container`);
  const digest = `sha256:${sim.rng.hex(64)}`;
  sim.digests.set(ref, digest);
  outOfBand(
    sim,
    namespace,
    name,
    'kubectl-rollout',
    (x) => {
      x.spec.template.metadata.annotations = {
        ...x.spec.template.metadata.annotations,
        'kubectl.kubernetes.io/restartedAt': sim.now(),
      };
    },
    { 'f:spec': { 'f:template': { 'f:metadata': { 'f:annotations': {} } } } },
  );
  return digest;
}
