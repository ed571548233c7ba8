import { z } from 'zod';
import type { Route } from './control-route.js';

/** The control API's routes for the registries and the images the clusters run. */
export const IMAGE_ROUTES: Record<string, Route> = {
  'images/push': {
    summary: 'push a new upstream (GHCR) image for an inventory image id: {image} → new digest',
    body: z.object({ image: z.string() }),
    run: (sim, b: { image: string }) => {
      const img = sim.images[b.image];
      if (!img) throw new Error(`unknown image "${b.image}"`);
      return { digest: sim.stores.ghcr.pushUpstream(img.sourceRepo, img.tag) };
    },
  },
  'images/mirror-delete': {
    summary:
      "delete an inventory image's tag from its ECR mirror, as `aws ecr batch-delete-image --image-ids imageTag=<tag>` does (the mirror is then missing; for a pull-through cache, the next pull fetches it from upstream): {image} → {repository, tag, deleted}",
    body: z.object({ image: z.string() }),
    run: (sim, b: { image: string }) => {
      const img = sim.images[b.image];
      if (!img?.mirrorRepo) throw new Error(`no mirrored image "${b.image}" in the inventory`);
      return {
        repository: img.mirrorRepo,
        tag: img.tag,
        deleted: sim.stores.ecr.untag(img.mirrorRepo, img.tag),
      };
    },
  },
  'registry/cut-upload': {
    summary:
      'cut the next blob upload to a registry once it reaches {afterBytes} of its session: the bytes so far are kept, the connection is reset (a resumable upload failing mid-blob): {registry: ghcr|ecr, afterBytes}',
    body: z.object({ registry: z.enum(['ghcr', 'ecr']).default('ecr'), afterBytes: z.number().int().min(1) }),
    run: (sim, b: { registry: 'ghcr' | 'ecr'; afterBytes: number }) =>
      sim[b.registry].cutUpload(b.afterBytes),
  },
  'registry/traffic': {
    summary:
      'requests by method, upload body bytes and mounted blobs a registry saw since the last reset or clear: {registry: ghcr|ecr, clear?} → {requests, uploadedBytes, mounted}',
    body: z.object({ registry: z.enum(['ghcr', 'ecr']).default('ecr'), clear: z.boolean().default(false) }),
    run: (sim, b: { registry: 'ghcr' | 'ecr'; clear: boolean }) => {
      const seen = sim[b.registry].traffic();
      if (b.clear) sim[b.registry].clearTraffic();
      return seen;
    },
  },
  'images/diverge': {
    summary:
      'the image tag of a deployment resolves to another build in its cluster and its pods restart onto it (spec unchanged, imageID differs): {cluster, namespace?, name?} (default coder/coder) → {digest}',
    body: z.object({
      cluster: z.string(),
      namespace: z.string().default('coder'),
      name: z.string().default('coder'),
    }),
    run: (sim, b: { cluster: string; namespace: string; name: string }) => ({
      digest: sim.kube.control.divergeImage(b.cluster, b.namespace, b.name),
    }),
  },
};
