import { UserError } from '../../errors/user-error.js';
import type { CopyProgress, CopyResult } from '../../ports/registry.js';
import type { FetchedManifest, OciClient } from './oci-client.js';
import { type Descriptor, parseOciManifest } from './parse-oci-manifest.js';

export interface CopyEnds {
  from: { client: OciClient; repo: string };
  to: { client: OciClient; repo: string };
}

/**
 * Copies `from@digest` to `to:tag`: for each image manifest its blobs (HEAD first, skipped when present, then
 * a cross-repository mount from `mountFrom`, otherwise streamed GET → upload, resumed mid-blob), then the manifest by digest with its original bytes; an index last, by tag,
 * so the tag never points at something incomplete.
 */
export async function copyImage(
  ends: CopyEnds,
  digest: string,
  tag: string,
  opts: { signal?: AbortSignal; onProgress?: (p: CopyProgress) => void; mountFrom?: string[] } = {},
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
  const progress: CopyProgress = {
    blobsDone: 0,
    blobsTotal: blobs.size,
    blobsSkipped: 0,
    bytesSent: 0,
    blobsMounted: 0,
    resumed: 0,
  };
  const mountFrom = (opts.mountFrom ?? []).filter((r) => r !== to.repo);
  const report = () => opts.onProgress?.({ ...progress });
  for (const blob of blobs.values()) {
    if (await to.client.hasBlob(to.repo, blob.digest, opts.signal)) progress.blobsSkipped++;
    else {
      const mount = await mountBlob(to, blob.digest, mountFrom, opts.signal);
      if (mount.mounted) {
        progress.blobsSkipped++;
        progress.blobsMounted = (progress.blobsMounted ?? 0) + 1;
      } else {
        const source = await from.client.openBlob(from.repo, blob.digest, opts.signal);
        const pushed = await to.client.pushBlob(to.repo, blob.digest, source, blob.size, {
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(mount.session ? { session: mount.session } : {}),
          onBytes: (n) => {
            progress.bytesSent += n;
          },
        });
        progress.resumed = (progress.resumed ?? 0) + pushed.resumed;
      }
    }
    progress.blobsDone++;
    report();
  }
  for (const m of parsed.kind === 'index' ? images : [])
    await to.client.putManifest(to.repo, m.digest, m, opts.signal);
  const pushed = await to.client.putManifest(to.repo, tag, top, opts.signal);
  return { ...progress, digest: pushed, manifests: images.length + (parsed.kind === 'index' ? 1 : 0) };
}

/**
 * Tries each repository in turn: the registry links the blob (201) when that repository has it. A declined
 * mount opens an upload session; the last one is kept for the upload, the others are given back.
 */
async function mountBlob(
  to: CopyEnds['to'],
  digest: string,
  candidates: string[],
  signal?: AbortSignal,
): Promise<{ mounted: boolean; session?: string }> {
  let session: string | undefined;
  for (const from of candidates) {
    if (session) await to.client.cancelUpload(to.repo, session, signal);
    const answer = await to.client.mountBlob(to.repo, digest, from, signal);
    if (answer.mounted) return { mounted: true };
    session = answer.session;
  }
  return session ? { mounted: false, session } : { mounted: false };
}
