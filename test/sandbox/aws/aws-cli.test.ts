import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Fixture as KubeFixture, startFixture as startKubeFixture } from '../kube/fixture.js';
import { type AwsFixture, CREDS, startAwsFixture } from './aws-fixture.js';

// The AWS CLI v2 (Debian's `awscli`, installed by .ci/run) as a third-party client: EKS tokens from an
// unmodified `aws eks get-token`, presigned for the real STS host, and ECR calls with --endpoint-url.
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const run = promisify(execFile);

let fx: AwsFixture;
let kube: KubeFixture;
let home: string;
let indexDigest: string;

beforeAll(async () => {
  fx = await startAwsFixture();
  kube = await startKubeFixture({
    validateToken: (token, eksName) => fx.aws.validateEksToken(token, eksName),
  });
  indexDigest = fx.ecrStore.seedImage('coder-preview', 'v2.28.0');
  const index = fx.ecrStore.getManifest('coder-preview', indexDigest)!;
  fx.ecrStore.putManifest('coder-preview', index.bytes, index.mediaType, 'latest');
  fx.ecrStore.createRepository('litellm');
  home = await mkdtemp(join(tmpdir(), 'opsbot-awscli-'));
  // So that ECR's own wording is seen for what the CLI would otherwise refuse before sending.
  await writeFile(join(home, 'config'), '[default]\nparameter_validation = false\n');
}, 60_000);
afterAll(async () => {
  await kube?.sandbox.close();
  await fx?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

/** Only what a user's shell would give the CLI: the sandbox's keys, no profile, no instance metadata. */
function cliEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}

async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await run(AWS, [...args, '--output', 'json'], { env: cliEnv(), timeout: 30_000 });
  return JSON.parse(stdout);
}

/** The CLI's error line for a call that must fail. */
async function awsError(...args: string[]): Promise<string> {
  try {
    await run(AWS, args, { env: cliEnv(), timeout: 30_000 });
  } catch (err) {
    return String((err as { stderr?: string }).stderr).trim();
  }
  throw new Error(`aws ${args.join(' ')} succeeded`);
}

const ecr = (...args: string[]) =>
  aws('ecr', ...args, '--endpoint-url', fx.aws.endpoint, '--region', 'us-east-2');

async function getToken(cluster: string, region: string): Promise<string> {
  const out = (await aws('eks', 'get-token', '--cluster-name', cluster, '--region', region)) as {
    kind: string;
    status: { token: string; expirationTimestamp: string };
  };
  expect(out.kind).toBe('ExecCredential');
  return out.status.token;
}

// Each CLI run starts Python: seconds apiece on a busy 2-core machine.
describe('aws eks get-token (unmodified: presigned for the real STS host)', { timeout: 90_000 }, () => {
  // One CLI run serves the three tests: each takes a couple of seconds on a busy machine.
  let token: string;

  it('is accepted for its cluster and refused, naming the cluster, for another', async () => {
    token = await getToken('ai-coder-control', 'us-east-2');
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    expect(url.origin).toBe('https://sts.us-east-2.amazonaws.com');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toEqual({
      ok: true,
      principal: 'arn:aws:iam::411738201876:user/opsbot',
    });
    expect(fx.aws.validateEksToken(token, 'ai-coder-proxy-oregon')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('minted for "ai-coder-control"'),
    });
  });

  it('is refused once the key is revoked, or when it is 15 minutes old', () => {
    fx.aws.control.revokeCredentials(true);
    expect(fx.aws.validateEksToken(token, 'ai-coder-control').ok).toBe(false);
    fx.aws.control.reset();
    fx.clock.advance(15 * 60 * 1000 + 1000);
    expect(fx.aws.validateEksToken(token, 'ai-coder-control')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^token expired/),
    });
    fx.clock.reset();
  });

  it('lets kubectl reach each cluster through an exec credential plugin, as on EKS', async () => {
    const clusters = [...kube.sandbox.clusters.values()];
    const kubeconfig = join(home, 'kubeconfig');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: clusters.map((c) => ({
          name: c.id,
          cluster: { server: c.server, 'certificate-authority-data': c.caData },
        })),
        // What `aws eks update-kubeconfig` writes: the plugin runs `aws eks get-token` before each call.
        users: clusters.map((c) => ({
          name: c.id,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: AWS,
              args: [
                '--region',
                c.region,
                'eks',
                'get-token',
                '--cluster-name',
                c.eksName,
                '--output',
                'json',
              ],
              env: Object.entries(cliEnv()).map(([name, value]) => ({ name, value })),
              interactiveMode: 'Never',
            },
          },
        })),
        contexts: clusters.map((c) => ({ name: c.id, context: { cluster: c.id, user: c.id } })),
        'current-context': clusters[0]!.id,
      }),
      { mode: 0o600 },
    );
    const kubectl = (...args: string[]) =>
      run('kubectl', ['--kubeconfig', kubeconfig, ...args], {
        env: { ...cliEnv(), KUBECACHEDIR: join(home, 'kube-cache') },
        timeout: 60_000,
      });
    for (const context of ['us-east-2', 'eu-west-2']) {
      const { stdout } = await kubectl(
        '--context',
        context,
        'get',
        'deployments',
        '-n',
        'coder',
        '-o',
        'name',
      );
      expect(stdout).toContain('deployment.apps/coder');
    }
    // A token minted for one cluster, presented to another, is refused like any bad token.
    await expect(
      kubectl('--context', 'eu-west-2', '--token', token, '--user', '', 'get', 'nodes'),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/Unauthorized|provide credentials/) });
  });
});

describe('ECR through the AWS CLI (--endpoint-url)', { timeout: 90_000 }, () => {
  it('lists images page by page, one id per tag, filtered by tag status; the digests DescribeImages gives', async () => {
    const all = (await ecr('list-images', '--repository-name', 'coder-preview', '--page-size', '1')) as {
      imageIds: { imageDigest: string; imageTag?: string }[];
    };
    // The index (two tags) and its two per-platform manifests (untagged), fetched one per page.
    expect(all.imageIds).toHaveLength(4);
    expect(all.imageIds.filter((i) => i.imageDigest === indexDigest).map((i) => i.imageTag)).toEqual([
      'latest',
      'v2.28.0',
    ]);
    const tagged = (await ecr(
      'list-images',
      '--repository-name',
      'coder-preview',
      '--filter',
      'tagStatus=TAGGED',
    )) as { imageIds: unknown[] };
    expect(tagged.imageIds).toEqual([
      { imageDigest: indexDigest, imageTag: 'latest' },
      { imageDigest: indexDigest, imageTag: 'v2.28.0' },
    ]);
    const untagged = (await ecr(
      'list-images',
      '--repository-name',
      'coder-preview',
      '--filter',
      'tagStatus=UNTAGGED',
      '--max-items',
      '1',
    )) as { imageIds: { imageTag?: string }[]; NextToken?: string };
    expect(untagged.imageIds).toHaveLength(1);
    expect(untagged.imageIds[0]!.imageTag).toBeUndefined();
    expect(untagged.NextToken).toBeTruthy();
    const described = (await ecr('describe-images', '--repository-name', 'coder-preview')) as {
      imageDetails: { imageDigest: string }[];
    };
    expect(new Set(all.imageIds.map((i) => i.imageDigest))).toEqual(
      new Set(described.imageDetails.map((d) => d.imageDigest)),
    );
  });

  it('words validation errors as ECR does (InvalidParameterException)', async () => {
    expect(await awsError('ecr', 'list-images', '--repository-name', 'Coder/Preview', ...endpoint())).toBe(
      "An error occurred (InvalidParameterException) when calling the ListImages operation: Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''",
    );
    expect(await awsError('ecr', 'describe-images', '--repository-name', 'c', ...endpoint())).toBe(
      "An error occurred (InvalidParameterException) when calling the DescribeImages operation: Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'",
    );
    expect(
      await awsError(
        'ecr',
        'list-images',
        '--repository-name',
        'coder-preview',
        '--page-size',
        '5000',
        ...endpoint(),
      ),
    ).toBe(
      "An error occurred (InvalidParameterException) when calling the ListImages operation: Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'",
    );
    expect(await awsError('ecr', 'list-images', '--repository-name', 'nope', ...endpoint())).toBe(
      "An error occurred (RepositoryNotFoundException) when calling the ListImages operation: The repository with name 'nope' does not exist in the registry with id '411738201876'",
    );
  });
});

function endpoint(): string[] {
  return ['--endpoint-url', fx.aws.endpoint, '--region', 'us-east-2'];
}
