import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MediaType } from '../../../src/sandbox/oci/media-types.js';
import { RegistryStore } from '../../../src/sandbox/oci/registry-store.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
interface Index {
  manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
}
interface Manifest {
  config: { digest: string; size: number };
  layers: Array<{ digest: string; size: number; mediaType: string }>;
}

describe('RegistryStore', () => {
  it('seeds a linux/amd64 + linux/arm64 OCI index whose digests are sha256 of the stored bytes', () => {
    const store = new RegistryStore();
    const digest = store.seedImage('coder/coder-preview', 'v2.28.0');
    const index = store.getManifest('coder/coder-preview', digest)!;
    expect(index.mediaType).toBe(MediaType.ociIndex);
    expect(sha(index.bytes)).toBe(digest);
    const parsed = JSON.parse(index.bytes.toString()) as Index;
    expect(parsed.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    for (const entry of parsed.manifests) {
      const child = store.getManifest('coder/coder-preview', entry.digest)!;
      expect(sha(child.bytes)).toBe(entry.digest);
      const manifest = JSON.parse(child.bytes.toString()) as Manifest;
      for (const d of [manifest.config, ...manifest.layers]) {
        const blob = store.getBlob('coder/coder-preview', d.digest)!;
        expect([sha(blob), blob.length]).toEqual([d.digest, d.size]);
      }
      // Layers are real gzip'd tar archives (ustar magic at offset 257).
      const tar = gunzipSync(store.getBlob('coder/coder-preview', manifest.layers[0]!.digest)!);
      expect(tar.subarray(257, 262).toString()).toBe('ustar');
    }
  });

  it('is deterministic, so seeding the same tag in two registries gives the same digest', () => {
    const a = new RegistryStore().seedImage('coder/coder-preview', 'v2.28.0');
    const b = new RegistryStore().seedImage('coder/coder-preview', 'v2.28.0');
    expect(a).toBe(b);
    expect(new RegistryStore().seedImage('coder/coder-preview', 'v2.29.0')).not.toBe(a);
  });

  it('copies the exact bytes to a mirror (same digest) and a new upstream push changes the tag digest', () => {
    const ghcr = new RegistryStore();
    const ecr = new RegistryStore();
    const original = ghcr.seedImage('coder/coder-preview', 'v2.28.0', { platforms: ['linux/amd64'] });
    expect(ecr.copyImage(ghcr, 'coder/coder-preview', 'v2.28.0', 'coder-preview')).toBe(original);
    expect(ecr.resolve('coder-preview', 'v2.28.0')?.digest).toBe(original);
    const pushed = ghcr.pushUpstream('coder/coder-preview', 'v2.28.0');
    expect(pushed).not.toBe(original);
    expect(ghcr.resolve('coder/coder-preview', 'v2.28.0')?.digest).toBe(pushed);
    expect(ecr.resolve('coder-preview', 'v2.28.0')?.digest).toBe(original);
    const platforms = (JSON.parse(ghcr.getManifest('coder/coder-preview', pushed)!.bytes.toString()) as Index)
      .manifests;
    expect(platforms).toHaveLength(1);
  });

  it('seeds Docker manifest lists on request, and resolves by digest only within the repository', () => {
    const store = new RegistryStore();
    const digest = store.seedImage('berriai/litellm', 'v1.79.0-stable', { format: 'docker' });
    expect(store.resolve('berriai/litellm', digest)?.mediaType).toBe(MediaType.dockerList);
    store.createRepository('other');
    expect(store.resolve('other', digest)).toBeUndefined();
    expect(store.resolve('berriai/litellm', 'nope')).toBeUndefined();
  });

  it('lists images with tags, child manifests untagged and the index size as its largest manifest', () => {
    const store = new RegistryStore();
    const digest = store.seedImage('coder-preview', 'v2.28.0');
    const images = store.listImages('coder-preview')!;
    const index = images.find((i) => i.digest === digest)!;
    expect(index.tags).toEqual(['v2.28.0']);
    const children = images.filter((i) => i.child);
    expect(children).toHaveLength(2);
    expect(index.sizeBytes).toBe(Math.max(...children.map((c) => c.sizeBytes)));
  });

  it('untags as ECR deletes an image by tag: the manifest goes with its last tag, a snapshot brings both back', () => {
    const store = new RegistryStore();
    const digest = store.seedImage('workspace', 'a');
    const index = store.getManifest('workspace', digest)!;
    store.putManifest('workspace', index.bytes, index.mediaType, 'b');
    const seeded = store.snapshot();
    expect(store.untag('workspace', 'a')).toBe(true);
    expect(store.resolve('workspace', 'a')).toBeUndefined();
    expect(store.resolve('workspace', 'b')?.digest).toBe(digest);
    expect(store.untag('workspace', 'b')).toBe(true);
    expect(store.listImages('workspace')!.some((i) => i.digest === digest)).toBe(false);
    expect(store.untag('workspace', 'b')).toBe(false);
    store.restore(seeded);
    expect(store.tags('workspace')).toEqual(['a', 'b']);
  });
});
