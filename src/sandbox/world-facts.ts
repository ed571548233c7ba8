import type { Environment } from '../inventory/schema.js';
import type { WorldFacts } from './coder/start-coder-sandbox.js';
import type { KubeControl } from './kube/kube-control.js';
import type { SeededImage } from './seed-images.js';

/** What the Coder and LiteLLM fakes report, derived from the simulated clusters on each request. */
export function worldFacts(
  env: Environment,
  kube: KubeControl,
  images: Record<string, SeededImage>,
): WorldFacts {
  const snapshots = new Map(env.clusters.map((c) => [c.id, kube.snapshot(c.id)]));
  const live = (target: string) => {
    const d = env.deployments.find((x) => x.target === target);
    if (!d) return undefined;
    const s = snapshots
      .get(d.cluster)
      ?.deployments.find((x) => x.namespace === d.namespace && x.name === d.name);
    return s ? { ...s, digest: digestOf(s.image) ?? images[d.image]?.digest ?? '' } : undefined;
  };
  const coderProbe = env.probes.find((p) => p.kind === 'coder');
  const control = live(coderProbe?.deployment ?? 'coder');
  return {
    provisioners: env.deployments
      .filter((d) => d.kind === 'provisioner')
      .map((d) => ({
        org: d.org ?? 'default',
        ready: live(d.target)?.ready ?? 0,
        desired: live(d.target)?.desired ?? 0,
      })),
    proxies: env.probes
      .filter((p) => p.kind === 'coder' && p !== coderProbe)
      .map((p) => {
        const d = p.deployment ? live(p.deployment) : undefined;
        return { id: p.id, healthy: (d?.ready ?? 0) > 0, imageDigest: d?.digest ?? '' };
      }),
    controlPlaneImageDigest: control?.digest ?? '',
    litellmReady: live(env.probes.find((p) => p.kind === 'litellm')?.deployment ?? 'litellm')?.ready ?? 0,
  };
}

function digestOf(image: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
}
