import { UserError } from '../../errors/user-error.js';
import type { CopyProgress, CopyResult } from '../../ports/registry.js';
import type { FetchedManifest, OciClient } from './oci-client.js';
import { type Descriptor, parseOciManifest } from './parse-oci-manifest.js';

export interface CopyEnds {
  from: { client: OciClient; repo: string };
  to: { client: OciClient; repo: string };
}

/**
 * Copies `from@digest` to `to:tag`: for each image manifest its blobs (HEAD first, skipped when present,
 * otherwise streamed GET → PUT), then the manifest by digest with its original bytes; an index last, by tag,
 * so the tag never points at something incomplete.
 */
export async function copyImage(
  ends: CopyEnds,
  digest: string,
  tag: string,
  opts: { signal?: AbortSignal; onProgress?: (p: CopyProgress) => void } = {},
): Promise<CopyResult> {
  const { from, to } = ends;
  const top = await from.client.getManifest(from.repo, digest, opts.signal);
  if (!top)
    throw new UserError(`${from.repo}@${digest.slice(0, 19)}… is not in the source registry any more`);
  const parsed = parseOciManifest(top.bytes, top.mediaType);
  const images: FetchedManifest[] = [];
  if (parsed.kind === 'index') {
    for (const child of parsed.manifests) {
      const m = await from.client.getManifest(from.repo, child.digest, opts.signal);
      if (!m) throw new UserError(`platform manifest ${child.digest.slice(0, 19)}… is missing in the source`);
      images.push(m);
    }
  } else images.push(top);
  // Platforms share layers: each blob once.
  const blobs = new Map<string, Descriptor>();
  for (const m of images) {
    const p = parseOciManifest(m.bytes, m.mediaType);
    if (p.kind === 'image') for (const b of p.blobs) blobs.set(b.digest, b);
  }
  const progress: CopyProgress = { blobsDone: 0, blobsTotal: blobs.size, blobsSkipped: 0, bytesSent: 0 };
  const report = () => opts.onProgress?.({ ...progress });
  for (const blob of blobs.values()) {
    if (await to.client.hasBlob(to.repo, blob.digest, opts.signal)) progress.blobsSkipped++;
    else {
      const source = await from.client.openBlob(from.repo, blob.digest, opts.signal);
      const counted = source.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            progress.bytesSent += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
      await to.client.pushBlob(to.repo, blob.digest, counted, blob.size, opts.signal);
    }
    progress.blobsDone++;
    report();
  }
  for (const m of parsed.kind === 'index' ? images : [])
    await to.client.putManifest(to.repo, m.digest, m, opts.signal);
  const pushed = await to.client.putManifest(to.repo, tag, top, opts.signal);
  return { ...progress, digest: pushed, manifests: images.length + (parsed.kind === 'index' ? 1 : 0) };
}
