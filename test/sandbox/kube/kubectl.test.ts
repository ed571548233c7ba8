import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, STATIC_TOKEN, startFixture } from './fixture.js';

const run = promisify(execFile);
let fx: Fixture;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  fx = await startFixture();
  dir = await mkdtemp(join(tmpdir(), 'opsbot-kubectl-'));
  kubeconfig = join(dir, 'nested', 'kubeconfig');
  await fx.sandbox.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await fx.sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

async function kubectl(context: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], {
    env: { ...process.env, KUBECACHEDIR: join(dir, 'cache'), HOME: dir },
    timeout: 25_000,
  });
  return stdout;
}

/** `kubectl get` table output → rows of cells (header dropped). */
function rows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s{2,}/));
}

describe('kubectl 1.32 against the written kubeconfig', () => {
  it('writes one context per cluster, token auth, owner-only file mode', async () => {
    const text = await readFile(kubeconfig, 'utf8');
    expect(text).toContain(STATIC_TOKEN);
    expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);
    const contexts = (
      await run('kubectl', ['--kubeconfig', kubeconfig, 'config', 'get-contexts', '-o', 'name'])
    ).stdout
      .trim()
      .split('\n');
    expect(contexts).toEqual(['eu-west-2', 'us-east-2', 'us-west-2']);
  });

  it('gets, scales and waits for the provisioners in us-east-2', async () => {
    const before = rows(await kubectl('us-east-2', 'get', 'deployments', '-n', 'coder'));
    expect(before.find((r) => r[0] === 'coder-provisioner-default')?.slice(1, 4)).toEqual(['6/6', '6', '6']);
    expect(
      await kubectl(
        'us-east-2',
        'scale',
        'deployment/coder-provisioner-default',
        '--replicas=8',
        '-n',
        'coder',
      ),
    ).toBe('deployment.apps/coder-provisioner-default scaled\n');
    const status = await kubectl(
      'us-east-2',
      'rollout',
      'status',
      'deployment/coder-provisioner-default',
      '-n',
      'coder',
      '--timeout=20s',
    );
    expect(status).toContain('deployment "coder-provisioner-default" successfully rolled out');
    const after = rows(await kubectl('us-east-2', 'get', 'deployments', '-n', 'coder'));
    expect(after.find((r) => r[0] === 'coder-provisioner-default')?.slice(1, 4)).toEqual(['8/8', '8', '8']);
  });

  it('lists nodes and all pods in every context', async () => {
    for (const ctx of ['us-east-2', 'us-west-2', 'eu-west-2']) {
      const nodes = rows(await kubectl(ctx, 'get', 'nodes'));
      expect(nodes.length).toBe(ctx === 'us-east-2' ? 4 : 2);
      expect(nodes.every((n) => n[1] === 'Ready' && n[0]?.startsWith('ip-10-0-'))).toBe(true);
      const pods = rows(await kubectl(ctx, 'get', 'pods', '-A'));
      expect(pods.some((p) => p[0] === 'coder' && p[1]?.startsWith('coder-'))).toBe(true);
      expect(pods.every((p) => p[3] === 'Running')).toBe(true);
    }
  });

  it('reads node stats with --raw (unencoded proxy path) and the Karpenter NodePools', async () => {
    const node = (
      await kubectl('us-west-2', 'get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}')
    ).trim();
    const summary = JSON.parse(
      await kubectl('us-west-2', 'get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`),
    ) as { node: { nodeName: string } };
    expect(summary.node.nodeName).toBe(node);
    const pools = rows(await kubectl('us-east-2', 'get', 'nodepools'));
    expect(pools.map((p) => p.slice(0, 4))).toEqual([
      ['default', 'default', '3', 'True'],
      ['workspaces', 'default', '1', 'True'],
    ]);
  });

  it('shows the server errors kubectl users see', async () => {
    await expect(kubectl('us-east-2', 'get', 'deployment', 'nope', '-n', 'coder')).rejects.toMatchObject({
      stderr: expect.stringContaining('Error from server (NotFound): deployments.apps "nope" not found'),
    });
    await expect(
      kubectl('eu-west-2', 'scale', 'deployment/coder', '--replicas=-1', '-n', 'coder'),
    ).rejects.toBeTruthy();
  });
});
