import type { Environment } from '../inventory/schema.js';
import type { RegistryStore } from './oci/registry-store.js';

export interface SeededImage {
  /** Repository path inside the simulated GHCR (`coder/coder-preview`). */
  sourceRepo: string;
  tag: string;
  /** What the deployments run: the ECR mirror when there is one, as in production. */
  ref: string;
  digest: string;
  mirrorRepo?: string;
}

/** Seeds GHCR with each inventory image and ECR with a byte-identical mirror, so digests agree at start. */
export function seedImages(
  env: Environment,
  ghcr: RegistryStore,
  ecr: RegistryStore,
): Record<string, SeededImage> {
  const out: Record<string, SeededImage> = {};
  for (const image of env.images) {
    const sourceRepo = image.source.replace(/^[^/]+\//, '');
    const digest = ghcr.seedImage(sourceRepo, image.tag);
    if (image.mirror) {
      ecr.copyImage(ghcr, sourceRepo, image.tag, image.mirror.repository);
      out[image.id] = {
        sourceRepo,
        tag: image.tag,
        ref: `${image.mirror.registry}/${image.mirror.repository}:${image.tag}`,
        digest,
        mirrorRepo: image.mirror.repository,
      };
    } else out[image.id] = { sourceRepo, tag: image.tag, ref: `${image.source}:${image.tag}`, digest };
  }
  return out;
}
