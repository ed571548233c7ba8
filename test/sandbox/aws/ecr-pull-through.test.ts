import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeImagesCommand,
  DescribePullThroughCacheRulesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, type AwsFixture, CREDS, startAwsFixture } from './aws-fixture.js';

// ECR's pull-through cache in the sandbox: the rules through the SDK and the AWS CLI in ECR's wire format,
// and what a pull through the registry does under them (skopeo as the puller).
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const run = promisify(execFile);
const DAY = 24 * 3_600_000;

let fx: AwsFixture;
let home: string;
// A fresh client per call: the SDK learns the clock skew of a simulated clock that tests move and reset.
const client = () => new ECRClient(fx.config({ systemClockOffset: fx.clock.now() - Date.now() }));
beforeAll(async () => {
  fx = await startAwsFixture();
  fx.ghcrStore.seedImage('coder/envbuilder', '1.3.0');
  home = await mkdtemp(join(tmpdir(), 'opsbot-ptc-'));
});
afterAll(async () => {
  await fx?.close();
  if (home) await rm(home, { recursive: true, force: true });
});
beforeEach(() => {
  fx.faults.reset();
  fx.clock.reset();
});

/** `skopeo inspect --raw` through the ECR registry with the GetAuthorizationToken login: a pull of the manifest. */
async function pull(ref: string): Promise<void> {
  const out = await client().send(new GetAuthorizationTokenCommand({}));
  const creds = Buffer.from(out.authorizationData![0]!.authorizationToken!, 'base64').toString();
  const host = new URL(fx.ecrRegistry.url).host;
  await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${host}/${ref}`],
    {
      env: { ...process.env, HOME: home },
      timeout: 20_000,
    },
  );
}

const cachedDigest = async (repo: string, tag: string) =>
  (await client().send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: tag }] })))
    .imageDetails?.[0]?.imageDigest;

describe('ECR DescribePullThroughCacheRules', () => {
  it('lists the rules in ECR’s shape, by prefix too; an unknown prefix is PullThroughCacheRuleNotFoundException', async () => {
    const ecr = client();
    const all = await ecr.send(new DescribePullThroughCacheRulesCommand({}));
    expect(all.pullThroughCacheRules).toHaveLength(1);
    const rule = all.pullThroughCacheRules![0]!;
    expect(rule).toMatchObject({
      ecrRepositoryPrefix: 'ghcr',
      upstreamRegistryUrl: 'ghcr.io',
      upstreamRegistry: 'github-container-registry',
      registryId: ACCOUNT,
      credentialArn: expect.stringMatching(
        /^arn:aws:secretsmanager:us-east-2:\d{12}:secret:ecr-pullthroughcache\//,
      ),
    });
    expect(rule.createdAt).toBeInstanceOf(Date);
    const named = await ecr.send(
      new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['ghcr'] }),
    );
    expect(named.pullThroughCacheRules?.map((r) => r.ecrRepositoryPrefix)).toEqual(['ghcr']);
    await expect(
      ecr.send(new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['docker-hub'] })),
    ).rejects.toMatchObject({
      name: 'PullThroughCacheRuleNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      ecr.send(new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['X'] })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining("Invalid parameter at 'ecrRepositoryPrefixes.0'"),
    });
    // Rules belong to a registry in one region.
    const oregon = new ECRClient(fx.config({ region: 'us-west-2' }));
    const none = await oregon.send(new DescribePullThroughCacheRulesCommand({}));
    expect(none.pullThroughCacheRules).toEqual([]);
  });

  it('answers the AWS CLI', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    const { stdout } = await run(
      AWS,
      [
        'ecr',
        'describe-pull-through-cache-rules',
        '--endpoint-url',
        fx.aws.endpoint,
        '--region',
        'us-east-2',
      ],
      { env, timeout: 30_000 },
    );
    const out = JSON.parse(stdout) as { pullThroughCacheRules: { ecrRepositoryPrefix: string }[] };
    expect(out.pullThroughCacheRules.map((r) => r.ecrRepositoryPrefix)).toEqual(['ghcr']);
  });
});

describe('a pull through the cache', () => {
  it('fills a tag on its first pull, then serves it until a pull 24 h after its last check refreshes it', async () => {
    const first = fx.ghcrStore.resolve('coder/envbuilder', '1.3.0')!.digest;
    expect(fx.ecrStore.hasRepository('ghcr/coder/envbuilder')).toBe(false);
    await pull('ghcr/coder/envbuilder:1.3.0');
    expect(await cachedDigest('ghcr/coder/envbuilder', '1.3.0')).toBe(first);

    const moved = fx.ghcrStore.pushUpstream('coder/envbuilder', '1.3.0');
    fx.clock.advance(DAY - 60_000);
    await pull('ghcr/coder/envbuilder:1.3.0');
    expect(await cachedDigest('ghcr/coder/envbuilder', '1.3.0')).toBe(first);

    fx.clock.advance(2 * 60_000);
    await pull('ghcr/coder/envbuilder:1.3.0');
    expect(await cachedDigest('ghcr/coder/envbuilder', '1.3.0')).toBe(moved);
  });

  it('leaves repositories outside the rule’s prefix alone', async () => {
    fx.ecrStore.seedImage('coder-preview', 'v2.28.0');
    await expect(pull('coder-preview:v9')).rejects.toThrow(/manifest unknown|not found/i);
    expect(fx.ecrStore.tags('coder-preview')).toEqual(['v2.28.0']);
  });
});
