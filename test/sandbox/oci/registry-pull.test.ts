import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_MANIFEST_TYPES,
  bearerFor,
  type RegistryFixture,
  startRegistryFixture,
} from './registry-fixture.js';

let fx: RegistryFixture;
let seeded: string;
beforeAll(async () => {
  fx = await startRegistryFixture();
  seeded = fx.ghcrStore.resolve('coder/coder-preview', 'v2.28.0')!.digest;
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.faults.reset();
  fx.clock.reset();
});

const sha = (b: ArrayBuffer) => `sha256:${createHash('sha256').update(Buffer.from(b)).digest('hex')}`;

describe('GHCR-like registry: anonymous token flow', () => {
  it('challenges with a Bearer realm and accepts the anonymous pull token it issues', async () => {
    const root = await fetch(`${fx.ghcr.url}/v2/`);
    expect(root.status).toBe(401);
    expect(root.headers.get('www-authenticate')).toBe(
      `Bearer realm="${fx.ghcr.url}/token",service="${new URL(fx.ghcr.url).host}"`,
    );
    const repoChallenge = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/manifests/v2.28.0`);
    expect(repoChallenge.headers.get('www-authenticate')).toContain(
      'scope="repository:coder/coder-preview:pull"',
    );
    expect(await repoChallenge.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    const auth = await bearerFor(fx.ghcr.url, 'coder/coder-preview');
    const head = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/manifests/v2.28.0`, {
      method: 'HEAD',
      headers: { ...auth, accept: ALL_MANIFEST_TYPES },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(seeded);
    expect(head.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const get = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/manifests/v2.28.0`, {
      headers: { ...auth, accept: ALL_MANIFEST_TYPES },
    });
    const body = await get.arrayBuffer();
    expect(sha(body)).toBe(seeded);
    expect(Number(head.headers.get('content-length'))).toBe(body.byteLength);
  });

  it('refuses a token scoped to another repository, an expired token and any push', async () => {
    const other = await bearerFor(fx.ghcr.url, 'coder/other');
    const res = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/tags/list`, { headers: other });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const auth = await bearerFor(fx.ghcr.url, 'coder/coder-preview', 'pull,push');
    const push = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/blobs/uploads/`, {
      method: 'POST',
      headers: auth,
    });
    expect(push.status).toBe(401);
    expect(push.headers.get('www-authenticate')).toContain(
      'scope="repository:coder/coder-preview:pull,push"',
    );
    fx.clock.advance(301 * 1000);
    const expired = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/tags/list`, { headers: auth });
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('manifest negotiation and errors', () => {
  it('does not serve an OCI index to a client that does not accept it (as distribution does)', async () => {
    const auth = await bearerFor(fx.ghcr.url, 'coder/coder-preview');
    const res = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/manifests/v2.28.0`, {
      headers: { ...auth, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errors: [
        {
          code: 'MANIFEST_UNKNOWN',
          message: 'OCI index found, but accept header does not support OCI indexes',
          detail: { Tag: 'v2.28.0' },
        },
      ],
    });
  });

  it('answers a Docker manifest list fetched by tag without list support with its linux/amd64 manifest', async () => {
    fx.ghcrStore.seedImage('berriai/litellm', 'v1.79.0-stable', { format: 'docker' });
    const auth = await bearerFor(fx.ghcr.url, 'berriai/litellm');
    const res = await fetch(`${fx.ghcr.url}/v2/berriai/litellm/manifests/v1.79.0-stable`, {
      headers: { ...auth, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const list = JSON.parse(
      fx.ghcrStore
        .getManifest('berriai/litellm', fx.ghcrStore.resolve('berriai/litellm', 'v1.79.0-stable')!.digest)!
        .bytes.toString(),
    ) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
    const amd64 = list.manifests.find((m) => m.platform.architecture === 'amd64')!;
    expect(res.headers.get('docker-content-digest')).toBe(amd64.digest);
  });

  it('names the problem: unknown repository, tag, blob and malformed digests', async () => {
    const auth = await bearerFor(fx.ghcr.url, 'coder/nope');
    const repo = await fetch(`${fx.ghcr.url}/v2/coder/nope/manifests/latest`, { headers: auth });
    expect([
      repo.status,
      ((await repo.json()) as { errors: Array<{ code: string }> }).errors[0]!.code,
    ]).toEqual([404, 'NAME_UNKNOWN']);
    const pull = await bearerFor(fx.ghcr.url, 'coder/coder-preview');
    const codeOf = async (path: string) => {
      const res = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/${path}`, {
        headers: { ...pull, accept: ALL_MANIFEST_TYPES },
      });
      return [res.status, ((await res.json()) as { errors: Array<{ code: string }> }).errors[0]!.code];
    };
    expect(await codeOf('manifests/v0.0.0')).toEqual([404, 'MANIFEST_UNKNOWN']);
    expect(await codeOf(`blobs/sha256:${'0'.repeat(64)}`)).toEqual([404, 'BLOB_UNKNOWN']);
    expect(await codeOf('blobs/sha256:xyz')).toEqual([400, 'DIGEST_INVALID']);
    const invalid = await fetch(`${fx.ghcr.url}/v2/Coder/UPPER/tags/list`, { headers: pull });
    expect(invalid.status).toBe(400);
  });

  it('serves blobs whose bytes hash to their digest', async () => {
    const auth = await bearerFor(fx.ghcr.url, 'coder/coder-preview');
    const index = (await (
      await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/manifests/v2.28.0`, {
        headers: { ...auth, accept: ALL_MANIFEST_TYPES },
      })
    ).json()) as { manifests: Array<{ digest: string }> };
    const manifest = (await (
      await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/manifests/${index.manifests[0]!.digest}`, {
        headers: { ...auth, accept: ALL_MANIFEST_TYPES },
      })
    ).json()) as { layers: Array<{ digest: string; size: number }> };
    const layer = manifest.layers[0]!;
    const blob = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/blobs/${layer.digest}`, {
      headers: auth,
    });
    const bytes = await blob.arrayBuffer();
    expect([sha(bytes), bytes.byteLength]).toEqual([layer.digest, layer.size]);
  });

  it('pages tags/list with a Link header', async () => {
    fx.ghcrStore.seedImage('coder/coder-preview', 'v2.27.0');
    fx.ghcrStore.seedImage('coder/coder-preview', 'v2.29.0');
    const auth = await bearerFor(fx.ghcr.url, 'coder/coder-preview');
    const first = await fetch(`${fx.ghcr.url}/v2/coder/coder-preview/tags/list?n=2`, { headers: auth });
    expect(await first.json()).toEqual({ name: 'coder/coder-preview', tags: ['v2.27.0', 'v2.28.0'] });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1]!;
    const second = await fetch(`${fx.ghcr.url}${next}`, { headers: auth });
    expect(await second.json()).toEqual({ name: 'coder/coder-preview', tags: ['v2.29.0'] });
  });

  it('answers injected faults in the spec error shape', async () => {
    fx.faults.fail('registry:ghcr', { status: 429, count: 1, retryAfter: 2 });
    const res = await fetch(`${fx.ghcr.url}/v2/`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] });
    expect((await fetch(`${fx.ghcr.url}/v2/`)).status).toBe(401);
  });
});
