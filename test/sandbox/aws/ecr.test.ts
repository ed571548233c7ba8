import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ecr';
import { HttpRequest } from '@smithy/protocol-http';
import type { FinalizeHandler, FinalizeHandlerArguments } from '@smithy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MediaType } from '../../../src/sandbox/oci/media-types.js';
import { ACCOUNT, type AwsFixture, CREDS, startAwsFixture } from './aws-fixture.js';

let fx: AwsFixture;
let ecr: ECRClient;
let indexDigest: string;
beforeAll(async () => {
  fx = await startAwsFixture();
  indexDigest = fx.ecrStore.seedImage('coder-preview', 'v2.28.0');
  fx.ecrStore.createRepository('litellm');
  ecr = new ECRClient(fx.config());
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.faults.reset();
  fx.clock.reset();
  fx.aws.control.reset();
});

describe('ECR DescribeImages', () => {
  it('gives the index digest for a multi-arch tag, with size, push time and media type', async () => {
    const out = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'coder-preview', imageIds: [{ imageTag: 'v2.28.0' }] }),
    );
    expect(out.imageDetails).toHaveLength(1);
    const detail = out.imageDetails![0]!;
    expect(detail).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: 'coder-preview',
      imageDigest: indexDigest,
      imageTags: ['v2.28.0'],
      imageManifestMediaType: MediaType.ociIndex,
    });
    expect(detail.imageSizeInBytes).toBeGreaterThan(0);
    expect(Math.abs(detail.imagePushedAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('lists per-platform manifests as untagged images, and filters by tag status', async () => {
    const all = await ecr.send(new DescribeImagesCommand({ repositoryName: 'coder-preview' }));
    expect(all.imageDetails).toHaveLength(3);
    const tagged = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'coder-preview', filter: { tagStatus: 'TAGGED' } }),
    );
    expect(tagged.imageDetails?.map((d) => d.imageDigest)).toEqual([indexDigest]);
    const untagged = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'coder-preview', filter: { tagStatus: 'UNTAGGED' } }),
    );
    expect(untagged.imageDetails?.every((d) => d.imageManifestMediaType === MediaType.ociManifest)).toBe(
      true,
    );
    const page = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'coder-preview', maxResults: 2 }),
    );
    expect(page.imageDetails).toHaveLength(2);
    const rest = await ecr.send(
      new DescribeImagesCommand({
        repositoryName: 'coder-preview',
        maxResults: 2,
        nextToken: page.nextToken!,
      }),
    );
    expect(rest.imageDetails).toHaveLength(1);
    expect(rest.nextToken).toBeUndefined();
  });

  it('throws ImageNotFoundException and RepositoryNotFoundException with ECR messages', async () => {
    await expect(
      ecr.send(
        new DescribeImagesCommand({ repositoryName: 'coder-preview', imageIds: [{ imageTag: 'v9' }] }),
      ),
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message: expect.stringContaining("imageTag:'v9'"),
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ecr.send(new DescribeImagesCommand({ repositoryName: 'nope' }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: `The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`,
    });
    const oregon = new ECRClient(fx.config({ region: 'us-west-2' }));
    await expect(
      oregon.send(new DescribeImagesCommand({ repositoryName: 'coder-preview' })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
  });
});

describe('ECR BatchGetImage', () => {
  it('returns the exact manifest bytes and lists missing ids as failures', async () => {
    const out = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'coder-preview',
        imageIds: [{ imageTag: 'v2.28.0' }, { imageTag: 'missing' }, { imageDigest: 'sha256:123' }],
      }),
    );
    expect(out.images).toHaveLength(1);
    const image = out.images![0]!;
    expect(image.imageId).toEqual({ imageDigest: indexDigest, imageTag: 'v2.28.0' });
    expect(image.imageManifestMediaType).toBe(MediaType.ociIndex);
    expect(Buffer.from(image.imageManifest!)).toEqual(
      fx.ecrStore.getManifest('coder-preview', indexDigest)!.bytes,
    );
    expect(out.failures).toEqual([
      {
        imageId: { imageTag: 'missing' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
      {
        imageId: { imageDigest: 'sha256:123' },
        failureCode: 'InvalidImageDigest',
        failureReason: 'Invalid image digest',
      },
    ]);
  });

  it('reports a tag/digest mismatch and media types the caller does not accept', async () => {
    const child = JSON.parse(fx.ecrStore.getManifest('coder-preview', indexDigest)!.bytes.toString())
      .manifests[0].digest as string;
    const out = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'coder-preview',
        imageIds: [{ imageTag: 'v2.28.0', imageDigest: child }],
      }),
    );
    expect(out.failures?.[0]?.failureCode).toBe('ImageTagDoesNotMatchDigest');
    const narrow = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'coder-preview',
        imageIds: [{ imageTag: 'v2.28.0' }, { imageDigest: child }],
        acceptedMediaTypes: [MediaType.ociManifest],
      }),
    );
    expect(narrow.images?.map((i) => i.imageId?.imageDigest)).toEqual([child]);
    expect(narrow.failures?.map((f) => f.imageId?.imageTag)).toEqual(['v2.28.0']);
  });
});

describe('ECR repositories and authorization', () => {
  it('describes repositories with a URI on the registry sandbox', async () => {
    const out = await ecr.send(new DescribeRepositoriesCommand({}));
    const host = new URL(fx.ecrRegistry.url).host;
    expect(out.repositories?.map((r) => [r.repositoryName, r.repositoryUri])).toEqual([
      ['coder-preview', `${host}/coder-preview`],
      ['litellm', `${host}/litellm`],
    ]);
    await expect(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
  });

  it('issues a 12-hour token that the registry accepts as Basic auth, and rejects a wrong one', async () => {
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData![0]!;
    expect(data.proxyEndpoint).toBe(fx.ecrRegistry.url);
    expect(data.expiresAt!.getTime() - fx.clock.now()).toBeGreaterThan(11.9 * 3600 * 1000);
    const [user, password] = Buffer.from(data.authorizationToken!, 'base64').toString().split(':');
    expect(user).toBe('AWS');
    const basic = (u: string, p: string) => ({
      authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    const ok = await fetch(`${fx.ecrRegistry.url}/v2/coder-preview/tags/list`, {
      headers: basic('AWS', password!),
    });
    expect(await ok.json()).toEqual({ name: 'coder-preview', tags: ['v2.28.0'] });
    const wrong = await fetch(`${fx.ecrRegistry.url}/v2/coder-preview/tags/list`, {
      headers: basic('AWS', `${password}x`),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    fx.clock.advance(12 * 3600 * 1000 + 1000);
    const expired = await fetch(`${fx.ecrRegistry.url}/v2/`, { headers: basic('AWS', password!) });
    expect(expired.status).toBe(401);
  });

  it('rejects a wrong secret with InvalidSignatureException (awsJson, 400)', async () => {
    const bad = new ECRClient(fx.config({ credentials: { ...CREDS, secretAccessKey: 'wrong' } }));
    await expect(bad.send(new GetAuthorizationTokenCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    const unknown = new ECRClient(
      fx.config({ credentials: { ...CREDS, accessKeyId: ['AKI', 'AUNKNOWNKEY000000'].join('') } }),
    );
    await expect(unknown.send(new GetAuthorizationTokenCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('rejects a request whose body or signed headers were altered after signing', async () => {
    const tampered = (edit: (request: HttpRequest) => void) => {
      const client = new ECRClient(fx.config());
      client.middlewareStack.addRelativeTo(
        (next: FinalizeHandler<ServiceInputTypes, ServiceOutputTypes>) =>
          (args: FinalizeHandlerArguments<ServiceInputTypes>) => {
            if (HttpRequest.isInstance(args.request)) edit(args.request);
            return next(args);
          },
        { relation: 'after', toMiddleware: 'awsAuthMiddleware', name: 'tamper' },
      );
      return client;
    };
    // Same length, so only the content differs.
    const body = tampered((request) => {
      const text = Buffer.from(request.body as Uint8Array)
        .toString()
        .replace('coder-preview', 'coder-previex');
      request.body = Buffer.from(text);
    });
    await expect(
      body.send(new DescribeImagesCommand({ repositoryName: 'coder-preview' })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const header = tampered((request) => {
      request.headers['x-amz-target'] = 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories';
    });
    await expect(
      header.send(new DescribeImagesCommand({ repositoryName: 'coder-preview' })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('does not match the signature you provided'),
    });
  });

  it('serves injected faults as ServerException / ThrottlingException', async () => {
    fx.faults.fail('ecr', { status: 500, count: 1 });
    await expect(ecr.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({
      name: 'ServerException',
    });
    fx.faults.fail('ecr', { status: 429, count: 1, retryAfter: 1 });
    await expect(ecr.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
  });
});
