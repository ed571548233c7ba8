import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryFixture, startRegistryFixture } from './registry-fixture.js';

let fx: RegistryFixture;
let auth: { authorization: string };
beforeAll(async () => {
  fx = await startRegistryFixture();
  auth = fx.ecrAuth();
});
afterAll(() => fx.close());

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const errorCode = async (res: Response) =>
  ((await res.json()) as { errors: Array<{ code: string }> }).errors[0]!.code;

async function uploadBlob(repo: string, bytes: Buffer): Promise<string> {
  const res = await fetch(`${fx.ecr.url}/v2/${repo}/blobs/uploads/?digest=${sha(bytes)}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  expect(res.status).toBe(201);
  return sha(bytes);
}

describe('ECR-like registry: Basic auth and uploads', () => {
  it('challenges with Basic and refuses unknown passwords', async () => {
    const anon = await fetch(`${fx.ecr.url}/v2/`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe(
      `Basic realm="${fx.ecr.url}/",service="ecr.amazonaws.com"`,
    );
    const wrong = await fetch(`${fx.ecr.url}/v2/`, {
      headers: { authorization: `Basic ${Buffer.from('AWS:guess').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${fx.ecr.url}/v2/`, { headers: auth })).status).toBe(200);
  });

  it('takes a chunked upload (POST, PATCH×2, PUT ?digest=) and serves the blob', async () => {
    const bytes = Buffer.from('layer bytes for a chunked upload');
    const start = await fetch(`${fx.ecr.url}/v2/coder-preview/blobs/uploads/`, {
      method: 'POST',
      headers: auth,
    });
    expect(start.status).toBe(202);
    let location = start.headers.get('location')!;
    for (const [from, to] of [
      [0, 10],
      [10, bytes.length],
    ] as const) {
      const patch = await fetch(location, {
        method: 'PATCH',
        headers: {
          ...auth,
          'content-range': `${from}-${to - 1}`,
          'content-type': 'application/octet-stream',
        },
        body: bytes.subarray(from, to),
      });
      expect([patch.status, patch.headers.get('range')]).toEqual([202, `0-${to - 1}`]);
      location = patch.headers.get('location')!;
    }
    const put = await fetch(`${location}?digest=${sha(bytes)}`, { method: 'PUT', headers: auth });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(sha(bytes));
    const head = await fetch(`${fx.ecr.url}/v2/coder-preview/blobs/${sha(bytes)}`, {
      method: 'HEAD',
      headers: auth,
    });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(bytes.length)]);
  });

  it('refuses a digest that does not match the uploaded bytes and an out-of-order chunk', async () => {
    const start = await fetch(`${fx.ecr.url}/v2/coder-preview/blobs/uploads/`, {
      method: 'POST',
      headers: auth,
    });
    const location = start.headers.get('location')!;
    const gap = await fetch(location, {
      method: 'PATCH',
      headers: { ...auth, 'content-range': '5-9' },
      body: Buffer.from('12345'),
    });
    expect(gap.status).toBe(416);
    const put = await fetch(`${location}?digest=${sha(Buffer.from('other'))}`, {
      method: 'PUT',
      headers: auth,
      body: Buffer.from('actual'),
    });
    expect([put.status, await errorCode(put)]).toEqual([400, 'DIGEST_INVALID']);
  });

  it('refuses pushes to a repository that does not exist (ECR needs CreateRepository first)', async () => {
    const res = await fetch(`${fx.ecr.url}/v2/not-created/blobs/uploads/`, { method: 'POST', headers: auth });
    expect([res.status, await errorCode(res)]).toEqual([404, 'NAME_UNKNOWN']);
  });
});

describe('manifest PUT', () => {
  const manifestFor = (config: string, layer: string) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 5 }],
      }),
    );
  const put = (ref: string, body: Buffer, type = 'application/vnd.oci.image.manifest.v1+json') =>
    fetch(`${fx.ecr.url}/v2/coder-preview/manifests/${ref}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': type },
      body,
    });

  it('stores a manifest whose blobs exist, under a tag, and answers its digest', async () => {
    const config = await uploadBlob('coder-preview', Buffer.from('{}'));
    const layer = await uploadBlob('coder-preview', Buffer.from('layer'));
    const body = manifestFor(config, layer);
    const res = await put('pushed', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('docker-content-digest')).toBe(sha(body));
    expect(fx.ecrStore.resolve('coder-preview', 'pushed')?.digest).toBe(sha(body));
  });

  it('answers MANIFEST_BLOB_UNKNOWN for a missing blob and refuses bad digests and media types', async () => {
    const config = await uploadBlob('coder-preview', Buffer.from('{}'));
    const missing = manifestFor(config, `sha256:${'a'.repeat(64)}`);
    const res = await put('broken', missing);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', detail: { digest: `sha256:${'a'.repeat(64)}` } }],
    });
    const layer = await uploadBlob('coder-preview', Buffer.from('layer'));
    const good = manifestFor(config, layer);
    const byWrongDigest = await put(`sha256:${'b'.repeat(64)}`, good);
    expect([byWrongDigest.status, await errorCode(byWrongDigest)]).toEqual([400, 'DIGEST_INVALID']);
    const wrongType = await put('typed', good, 'application/vnd.docker.distribution.manifest.v2+json');
    expect([wrongType.status, await errorCode(wrongType)]).toEqual([400, 'MANIFEST_INVALID']);
  });
});
