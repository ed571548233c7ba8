import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EcrImages } from '../../src/adapters/ecr/ecr-images.js';
import { OciClient } from '../../src/adapters/oci/oci-client.js';
import { OciRegistry } from '../../src/adapters/oci/oci-registry.js';
import { parseOciManifest } from '../../src/adapters/oci/parse-oci-manifest.js';
import { TransientError } from '../../src/errors/transient-error.js';
import type { CopyProgress, MirrorRef } from '../../src/ports/registry.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { startTestSandbox } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
let ecr: EcrImages;
let registry: OciRegistry;
const mirror: MirrorRef = {
  registry: '411738201876.dkr.ecr.us-east-2.amazonaws.com',
  repository: 'coder-preview',
  region: 'us-east-2',
};
const SOURCE = 'ghcr.io/coder/coder-preview';

beforeAll(async () => {
  sandbox = await startTestSandbox();
  ecr = new EcrImages({
    credentials: async () => ({
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    }),
    endpoint: sandbox.state.aws.endpoint,
    clock: { now: () => Date.now() },
  });
  registry = new OciRegistry({
    ecr,
    ghcrUrl: sandbox.state.registries['ghcr.io'],
    ecrUrl: sandbox.state.registries.ecr,
  });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await control(sandbox, 'reset');
});

/** Every manifest of `ref` on one side, as stored: the index and each platform's. */
async function manifests(client: OciClient, repo: string, ref: string) {
  const top = await client.getManifest(repo, ref);
  if (!top) throw new Error(`${repo}:${ref} missing`);
  const parsed = parseOciManifest(top.bytes, top.mediaType);
  const children = parsed.kind === 'index' ? parsed.manifests : [];
  return [top, ...(await Promise.all(children.map((c) => client.getManifest(repo, c.digest))))];
}

describe('the OCI registry adapter against the simulated GHCR and ECR', () => {
  it('copies a new upstream build byte for byte (index and every platform), then skips every blob', async () => {
    const { digest } = (await control(sandbox, 'images/push', { image: 'coder' })) as { digest: string };
    const source = await registry.sourceImage(SOURCE, 'v2.28.0');
    expect(source?.digest).toBe(digest);
    expect(source?.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect((await registry.mirrorImage(mirror, 'v2.28.0'))?.digest).not.toBe(digest);

    const seen: CopyProgress[] = [];
    const first = await registry.copy(SOURCE, digest, mirror, 'v2.28.0', { onProgress: (p) => seen.push(p) });
    expect(first.digest).toBe(digest);
    expect(first.manifests).toBe(3);
    expect(first.bytesSent).toBeGreaterThan(0);
    expect(seen.at(-1)?.blobsDone).toBe(first.blobsTotal);
    expect((await registry.mirrorImage(mirror, 'v2.28.0'))?.digest).toBe(digest);

    const login = await ecr.login(mirror);
    const ghcr = new OciClient({
      baseUrl: sandbox.state.registries['ghcr.io'],
      credentials: { kind: 'anonymous' },
    });
    const ecrClient = new OciClient({
      baseUrl: sandbox.state.registries.ecr,
      credentials: { kind: 'basic', get: async () => login },
    });
    const a = await manifests(ghcr, 'coder/coder-preview', 'v2.28.0');
    const b = await manifests(ecrClient, 'coder-preview', 'v2.28.0');
    expect(b.map((m) => [m?.mediaType, m?.digest, m?.bytes.toString('base64')])).toEqual(
      a.map((m) => [m?.mediaType, m?.digest, m?.bytes.toString('base64')]),
    );

    const again = await registry.copy(SOURCE, digest, mirror, 'v2.28.0');
    expect(again).toMatchObject({ digest, bytesSent: 0, blobsSkipped: again.blobsTotal });
  });

  it('a failure mid-copy is transient, and the retry skips the blobs already uploaded', async () => {
    const { digest } = (await control(sandbox, 'images/push', { image: 'coder' })) as { digest: string };
    // The first blob upload completes (PUT), the second one's PUT fails with 500.
    await control(sandbox, 'faults', {
      api: 'registry:ecr',
      status: 500,
      count: 1,
      methods: ['PUT'],
      after: 1,
    });
    const failed = await registry.copy(SOURCE, digest, mirror, 'v2.28.0').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransientError);
    const retry = await registry.copy(SOURCE, digest, mirror, 'v2.28.0');
    expect(retry.digest).toBe(digest);
    expect(retry.blobsSkipped).toBeGreaterThanOrEqual(1);
    expect(retry.blobsSkipped).toBeLessThan(retry.blobsTotal);
  });
});

describe('large blobs: resumed mid-blob, mounted across repositories', () => {
  // Small chunks so a few-MB image exercises the chunked path the real 16 MiB chunks take for real layers.
  const chunked = () =>
    new OciRegistry({
      ecr,
      ghcrUrl: sandbox.state.registries['ghcr.io'],
      ecrUrl: sandbox.state.registries.ecr,
      chunkBytes: 256 * 1024,
    });
  const big: MirrorRef = { ...mirror, repository: 'big' };

  function seedBig(tag: string): string {
    // First layer 300 kB (finishes before the cut), then two of 1 MiB: the cut lands inside the second one.
    sandbox.sim.stores.ecr.createRepository('big');
    sandbox.sim.stores.ecr.createRepository('big-copy');
    return sandbox.sim.stores.ghcr.seedImage('bench/big', tag, {
      platforms: ['linux/amd64'],
      layerBytes: [300_000, 1_048_576, 1_048_576],
    });
  }

  it('a connection cut mid-blob is resumed from the registry offset: no byte and no blob sent twice', async () => {
    const digest = seedBig('v1');
    await control(sandbox, 'registry/traffic', { registry: 'ecr', clear: true });
    await control(sandbox, 'registry/cut-upload', { registry: 'ecr', afterBytes: 700_000 });
    const result = await chunked().copy('ghcr.io/bench/big', digest, big, 'v1');
    expect(result.digest).toBe(digest);
    expect(result.resumed).toBe(1);
    const traffic = (await control(sandbox, 'registry/traffic', { registry: 'ecr' })) as {
      requests: Record<string, number>;
      uploadedBytes: number;
    };
    // Every byte the registry kept was needed: the blob's bytes before the cut were not sent again.
    expect(traffic.uploadedBytes).toBe(result.bytesSent);
    // One upload session per blob (the cut blob kept its session), and exactly one status query.
    expect(traffic.requests.POST).toBe(result.blobsTotal);
    expect(traffic.requests.GET).toBe(1);
    expect((await registry.mirrorImage(big, 'v1'))?.digest).toBe(digest);
  });

  it('mounts blobs another repository of the registry has (201) instead of uploading them', async () => {
    const digest = seedBig('v2');
    await chunked().copy('ghcr.io/bench/big', digest, big, 'v2');
    await control(sandbox, 'registry/traffic', { registry: 'ecr', clear: true });
    const copy = { ...mirror, repository: 'big-copy' };
    const result = await chunked().copy('ghcr.io/bench/big', digest, copy, 'v2', {
      mountFrom: ['coder-preview', 'big'],
    });
    expect(result.digest).toBe(digest);
    expect(result.blobsMounted).toBe(result.blobsTotal);
    expect(result.bytesSent).toBe(0);
    const traffic = (await control(sandbox, 'registry/traffic', { registry: 'ecr' })) as {
      uploadedBytes: number;
      mounted: number;
      requests: Record<string, number>;
    };
    expect(traffic).toMatchObject({ uploadedBytes: 0, mounted: result.blobsTotal });
    // coder-preview lacks the blobs: that mount is declined (202) and its session given back.
    expect(traffic.requests.DELETE).toBe(result.blobsTotal);
  });

  it('the sandbox registry answers a mount it cannot make with 202 and an upload session', async () => {
    seedBig('v3');
    const login = await ecr.login(mirror);
    const client = new OciClient({
      baseUrl: sandbox.state.registries.ecr,
      credentials: { kind: 'basic', get: async () => login },
    });
    const missing = `sha256:${'0'.repeat(64)}`;
    const declined = await client.mountBlob('big', missing, 'coder-preview');
    expect(declined.mounted).toBe(false);
    expect(declined).toHaveProperty('session', expect.stringContaining('/v2/big/blobs/uploads/'));
  });
});
