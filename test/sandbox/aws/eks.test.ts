import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, type AwsFixture, CA_DATA, CREDS, startAwsFixture } from './aws-fixture.js';

let fx: AwsFixture;
beforeAll(async () => {
  fx = await startAwsFixture();
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.faults.reset();
  fx.clock.reset();
  fx.aws.control.reset();
});

describe('EKS over the AWS SDK', () => {
  it('describes a cluster of the signing region with endpoint and CA', async () => {
    const eks = new EKSClient(fx.config());
    const out = await eks.send(new DescribeClusterCommand({ name: 'ai-coder-control' }));
    expect(out.cluster).toMatchObject({
      name: 'ai-coder-control',
      arn: `arn:aws:eks:us-east-2:${ACCOUNT}:cluster/ai-coder-control`,
      endpoint: 'https://127.0.0.1:6443',
      certificateAuthority: { data: CA_DATA },
      status: 'ACTIVE',
      version: '1.32',
    });
    expect(out.cluster?.createdAt).toBeInstanceOf(Date);
    expect(out.cluster?.platformVersion).toMatch(/^eks\./);
  });

  it('lists only the clusters of the signing region', async () => {
    const oregon = new EKSClient(fx.config({ region: 'us-west-2' }));
    expect((await oregon.send(new ListClustersCommand({}))).clusters).toEqual(['ai-coder-proxy-oregon']);
  });

  it('answers ResourceNotFoundException for an unknown cluster or one in another region', async () => {
    const eks = new EKSClient(fx.config());
    await expect(eks.send(new DescribeClusterCommand({ name: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: nope.',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      eks.send(new DescribeClusterCommand({ name: 'ai-coder-proxy-london' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('rejects a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException', async () => {
    const wrongSecret = new EKSClient(
      fx.config({ credentials: { ...CREDS, secretAccessKey: 'not-the-secret' } }),
    );
    await expect(
      wrongSecret.send(new DescribeClusterCommand({ name: 'ai-coder-control' })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    const wrongKey = new EKSClient(
      fx.config({ credentials: { ...CREDS, accessKeyId: ['AKI', 'AUNKNOWNKEY000000'].join('') } }),
    );
    await expect(
      wrongKey.send(new DescribeClusterCommand({ name: 'ai-coder-control' })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects revoked credentials until the control API restores them', async () => {
    const eks = new EKSClient(fx.config());
    fx.aws.control.revokeCredentials(true);
    await expect(eks.send(new DescribeClusterCommand({ name: 'ai-coder-control' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    fx.aws.control.revokeCredentials(false);
    await expect(eks.send(new DescribeClusterCommand({ name: 'ai-coder-control' }))).resolves.toBeDefined();
  });

  it('rejects a request signed 20 minutes off, and the SDK recovers by correcting its clock skew', async () => {
    fx.clock.advance(20 * 60 * 1000);
    const noRetry = new EKSClient(fx.config());
    await expect(
      noRetry.send(new DescribeClusterCommand({ name: 'ai-coder-control' })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired/),
    });
    const withRetry = new EKSClient(fx.config({ maxAttempts: 3 }));
    const out = await withRetry.send(new DescribeClusterCommand({ name: 'ai-coder-control' }));
    expect(out.cluster?.name).toBe('ai-coder-control');
  });

  it('serves injected faults in the restJson error shape', async () => {
    fx.faults.fail('eks', { status: 500, count: 1 });
    const eks = new EKSClient(fx.config());
    await expect(eks.send(new DescribeClusterCommand({ name: 'ai-coder-control' }))).rejects.toMatchObject({
      name: 'ServerException',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(eks.send(new DescribeClusterCommand({ name: 'ai-coder-control' }))).resolves.toBeDefined();
  });

  it('refuses unsigned requests', async () => {
    const res = await fetch(`${fx.aws.endpoint}/clusters/ai-coder-control`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});
