import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/start-aws-sandbox.js';
import { type RegistryFixture, startRegistryFixture } from './registry-fixture.js';

const run = promisify(execFile);
const CREDS = { accessKeyId: ['AKI', 'AW2OPSBOTSANDBOX1'].join(''), secretAccessKey: 'skopeo-test-secret' };

let fx: RegistryFixture;
let aws: AwsSandbox;
let home: string;
beforeAll(async () => {
  fx = await startRegistryFixture();
  aws = await startAwsSandbox({
    clock: fx.clock,
    faults: fx.faults,
    credentials: CREDS,
    accountId: '411738201876',
    clusters: () => [],
    ecr: { store: fx.ecrStore, registryUrl: () => fx.ecr.url, tokens: fx.tokens },
  });
  home = mkdtempSync(join(tmpdir(), 'opsbot-skopeo-'));
});
afterAll(async () => {
  await aws.close();
  await fx.close();
  rmSync(home, { recursive: true, force: true });
});

/** skopeo as a third-party client; plain HTTP loopback registries need --tls-verify=false. */
const skopeo = (...args: string[]) =>
  run('skopeo', args, { env: { ...process.env, HOME: home }, timeout: 20_000 });
const ref = (baseUrl: string, path: string) => `docker://${new URL(baseUrl).host}/${path}`;

describe('skopeo against the simulated registries', () => {
  it('inspects the GHCR image through the anonymous token flow', async () => {
    const digest = fx.ghcrStore.resolve('coder/coder-preview', 'v2.28.0')!.digest;
    const { stdout } = await skopeo(
      'inspect',
      '--tls-verify=false',
      ref(fx.ghcr.url, 'coder/coder-preview:v2.28.0'),
    );
    const info = JSON.parse(stdout) as { Digest: string; RepoTags: string[]; Architecture: string };
    expect(info).toMatchObject({ Digest: digest, RepoTags: ['v2.28.0'], Architecture: 'amd64' });
  });

  it('mirrors GHCR to ECR with `copy --all` using a GetAuthorizationToken password; ECR then reports the GHCR digest', async () => {
    const ecr = new ECRClient({
      endpoint: aws.endpoint,
      region: 'us-east-2',
      credentials: CREDS,
      maxAttempts: 1,
    });
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!
      .authorizationToken!;
    const creds = Buffer.from(token, 'base64').toString();
    await skopeo(
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--dest-creds',
      creds,
      ref(fx.ghcr.url, 'coder/coder-preview:v2.28.0'),
      ref(fx.ecr.url, 'coder-preview:v2.28.0'),
    );
    const ghcrDigest = fx.ghcrStore.resolve('coder/coder-preview', 'v2.28.0')!.digest;
    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'coder-preview', imageIds: [{ imageTag: 'v2.28.0' }] }),
    );
    expect(described.imageDetails?.[0]?.imageDigest).toBe(ghcrDigest);
    const { stdout } = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      creds,
      ref(fx.ecr.url, 'coder-preview:v2.28.0'),
    );
    expect(JSON.parse(stdout).manifests).toHaveLength(2);
  });

  it('fails to push to ECR with a wrong password', async () => {
    await expect(
      skopeo(
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--dest-creds',
        'AWS:not-a-token',
        ref(fx.ghcr.url, 'coder/coder-preview:v2.28.0'),
        ref(fx.ecr.url, 'coder-preview:wrong'),
      ),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/unauthorized|authentication required/i) });
    expect(fx.ecrStore.resolve('coder-preview', 'wrong')).toBeUndefined();
  });
});
