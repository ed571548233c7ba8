import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mintEksToken } from '../../../src/adapters/aws/eks-token.js';
import { type AwsFixture, CREDS, startAwsFixture } from './aws-fixture.js';

let fx: AwsFixture;
beforeAll(async () => {
  fx = await startAwsFixture();
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.clock.reset();
  fx.aws.control.reset();
});

const mint = (clusterName = 'ai-coder-control', credentials: typeof CREDS = CREDS) =>
  mintEksToken({
    clusterName,
    region: 'us-east-2',
    credentials,
    stsEndpoint: fx.aws.endpoint,
    now: () => new Date(fx.clock.now()),
  });

function tamper(token: string, edit: (url: URL) => void): string {
  const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
  edit(url);
  return `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`;
}

describe('mintEksToken', () => {
  it('makes a token shaped like aws-iam-authenticator, expiring 14 minutes after signing', async () => {
    const signedAt = new Date(fx.clock.now());
    const { token, expiresAt } = await mintEksToken({
      clusterName: 'ai-coder-control',
      region: 'us-east-2',
      credentials: CREDS,
      stsEndpoint: fx.aws.endpoint,
      now: () => signedAt,
    });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(expiresAt.getTime() - signedAt.getTime()).toBe(14 * 60 * 1000);
    const url = new URL(Buffer.from(token.slice(11), 'base64url').toString());
    expect(url.origin).toBe(fx.aws.endpoint);
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-2\/sts\/aws4_request$/);
  });

  it('accepts a credential provider function as the SDK passes it', async () => {
    const { token } = await mintEksToken({
      clusterName: 'ai-coder-control',
      region: 'us-east-2',
      credentials: async () => CREDS,
      stsEndpoint: fx.aws.endpoint,
    });
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toMatchObject({ ok: true });
  });
});

describe('validateEksToken', () => {
  it('accepts a fresh token for its cluster and names the principal', async () => {
    const { token } = await mint();
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toEqual({
      ok: true,
      principal: 'arn:aws:iam::411738201876:user/opsbot',
    });
  });

  it('rejects a token older than 15 minutes, and a shorter max age set by control', async () => {
    const { token } = await mint();
    fx.clock.advance(14 * 60 * 1000);
    expect(fx.aws.validateEksToken(token, 'ai-coder-control').ok).toBe(true);
    fx.clock.advance(61 * 1000);
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^token expired/),
    });
    fx.clock.reset();
    fx.aws.control.setTokenMaxAgeSeconds(30);
    fx.clock.advance(31 * 1000);
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^token expired/),
    });
  });

  it('says which cluster a token was minted for when presented to another', async () => {
    const { token } = await mint('ai-coder-proxy-oregon');
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toEqual({
      ok: false,
      reason: 'wrong cluster: token was minted for "ai-coder-proxy-oregon", not "ai-coder-control"',
    });
  });

  it('rejects a tampered signature, a wrong secret and an unknown key with distinct reasons', async () => {
    const { token } = await mint();
    const flipped = tamper(token, (u) => {
      const sig = u.searchParams.get('X-Amz-Signature')!;
      u.searchParams.set('X-Amz-Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    });
    expect(fx.aws.validateEksToken(flipped, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^bad signature/),
    });
    const wrongSecret = await mint('ai-coder-control', { ...CREDS, secretAccessKey: 'guess' });
    expect(fx.aws.validateEksToken(wrongSecret.token, 'ai-coder-control').ok).toBe(false);
    const wrongKey = await mint('ai-coder-control', {
      ...CREDS,
      accessKeyId: ['AKI', 'AUNKNOWNKEY000000'].join(''),
    });
    expect(fx.aws.validateEksToken(wrongKey.token, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('InvalidClientTokenId'),
    });
  });

  it('rejects a token whose signed date was edited (the signature covers it)', async () => {
    const { token } = await mint();
    const earlier = tamper(token, (u) => {
      const signed = new Date(fx.clock.now() - 5 * 60 * 1000);
      u.searchParams.set('X-Amz-Date', signed.toISOString().replace(/[-:]|\.\d{3}/g, ''));
    });
    expect(fx.aws.validateEksToken(earlier, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^(bad signature|X-Amz-Credential)/),
    });
  });

  it("accepts tokens presigned for AWS's own STS hosts (as `aws eks get-token` makes them), scoped to the host's region", async () => {
    const forHost = (stsEndpoint: string | undefined, region = 'us-east-2') =>
      mintEksToken({
        clusterName: 'ai-coder-control',
        region,
        credentials: CREDS,
        ...(stsEndpoint ? { stsEndpoint } : {}),
        now: () => new Date(fx.clock.now()),
      }).then((t) => fx.aws.validateEksToken(t.token, 'ai-coder-control'));
    expect(await forHost(undefined)).toMatchObject({ ok: true });
    expect(await forHost('https://sts.eu-west-2.amazonaws.com', 'eu-west-2')).toMatchObject({ ok: true });
    expect(await forHost('https://sts.amazonaws.com', 'us-east-1')).toMatchObject({ ok: true });
    expect(await forHost('https://sts.amazonaws.com')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('SignatureDoesNotMatch'),
    });
    expect(await forHost('https://sts.us-west-2.amazonaws.com')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('scoped to "us-east-2"'),
    });
    for (const host of [
      'https://sts.example.com',
      'http://sts.us-east-2.amazonaws.com',
      'https://sts.us-east-2.amazonaws.com:8443',
    ])
      expect(await forHost(host)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^unexpected STS host/),
      });
  });

  it('rejects revoked credentials, unsigned cluster headers and garbage', async () => {
    const { token } = await mint();
    fx.aws.control.revokeCredentials(true);
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('revoked'),
    });
    fx.aws.control.revokeCredentials(false);
    const unsigned = tamper(token, (u) => u.searchParams.set('X-Amz-SignedHeaders', 'host'));
    expect(fx.aws.validateEksToken(unsigned, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('x-k8s-aws-id'),
    });
    expect(fx.aws.validateEksToken('Bearer nope', 'ai-coder-control')).toMatchObject({ ok: false });
    expect(fx.aws.validateEksToken('k8s-aws-v1.!!!', 'ai-coder-control')).toMatchObject({ ok: false });
  });
});
