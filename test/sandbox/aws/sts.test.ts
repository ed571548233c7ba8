import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mintEksToken } from '../../../src/adapters/aws/eks-token.js';
import { ACCOUNT, type AwsFixture, CREDS, startAwsFixture } from './aws-fixture.js';

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

const presignedUrl = (token: string) =>
  Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString();

describe('STS over the AWS SDK', () => {
  it('answers GetCallerIdentity with the IAM user of the configured key', async () => {
    const sts = new STSClient(fx.config());
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/opsbot` });
    expect(out.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('answers InvalidClientTokenId for an unknown key and SignatureDoesNotMatch for a wrong secret', async () => {
    const wrongKey = new STSClient(
      fx.config({ credentials: { ...CREDS, accessKeyId: ['AKI', 'AUNKNOWNKEY000000'].join('') } }),
    );
    await expect(wrongKey.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      $metadata: { httpStatusCode: 403 },
    });
    const wrongSecret = new STSClient(fx.config({ credentials: { ...CREDS, secretAccessKey: 'wrong' } }));
    await expect(wrongSecret.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
  });

  it('rejects session tokens the sandbox never issued', async () => {
    const sts = new STSClient(fx.config({ credentials: { ...CREDS, sessionToken: 'forged' } }));
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    });
  });

  it('serves injected throttling as an awsQuery error the SDK understands', async () => {
    fx.faults.fail('sts', { status: 429, count: 1, retryAfter: 1 });
    const sts = new STSClient(fx.config());
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
      $metadata: { httpStatusCode: 429 },
    });
  });

  it('answers the presigned GET inside an EKS token, in JSON when asked (as aws-iam-authenticator does)', async () => {
    const { token } = await mintEksToken({
      clusterName: 'ai-coder-control',
      region: 'us-east-2',
      credentials: CREDS,
      stsEndpoint: fx.aws.endpoint,
    });
    const url = presignedUrl(token);
    const res = await fetch(url, {
      headers: { 'x-k8s-aws-id': 'ai-coder-control', accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      GetCallerIdentityResponse: { GetCallerIdentityResult: { Account: ACCOUNT } },
    });
    const xml = await fetch(url, { headers: { 'x-k8s-aws-id': 'ai-coder-control' } });
    expect(await xml.text()).toContain(`<Account>${ACCOUNT}</Account>`);
  });

  it('refuses the presigned GET when the signed cluster header differs', async () => {
    const { token } = await mintEksToken({
      clusterName: 'ai-coder-control',
      region: 'us-east-2',
      credentials: CREDS,
      stsEndpoint: fx.aws.endpoint,
    });
    const res = await fetch(presignedUrl(token), { headers: { 'x-k8s-aws-id': 'ai-coder-proxy-oregon' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
