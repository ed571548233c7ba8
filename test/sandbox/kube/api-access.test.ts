import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClusterClient } from '../../../src/adapters/kubernetes/kube-cluster-client.js';
import { apiRequest, kubectlFor } from './api-kit.js';
import { chartRbacManifests } from './chart-rbac-manifests.js';
import { type Fixture, startFixture, statusOf } from './fixture.js';

// Authentication and authorization as an EKS API server does them: anonymous requests, RBAC from the
// Helm chart (kubectl auth can-i, and the bot's own adapter running under it), watches, not-found answers.
const BOT_ROLE = 'arn:aws:iam::411738201876:role/opsbot';
const BOT_TOKEN = 'k8s-aws-v1.bot';
let fx: Fixture;
let k: Awaited<ReturnType<typeof kubectlFor>>;

beforeAll(async () => {
  fx = await startFixture({
    validateToken: (token) =>
      token === BOT_TOKEN ? { ok: true, principal: BOT_ROLE } : { ok: false, reason: 'bad signature' },
    // The access entry infra/terraform gives the bot's role: the chart's RBAC group.
    accessEntries: { [BOT_ROLE]: { groups: ['opsbot'] } },
  });
  k = await kubectlFor(fx);
});
afterAll(async () => {
  await fx.sandbox.close();
  await k.close();
});

const status = (code: number, reason: string, message: string, details: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  details,
  code,
});

describe('anonymous requests', () => {
  it('may read /version and nothing else: 403 Forbidden for system:anonymous with the real message', async () => {
    const version = await apiRequest(fx, 'us-east-2', '/version', { token: null });
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body)).toMatchObject({ major: '1', minor: '32' });
    const cases: [string, string, object][] = [
      ['/api', 'forbidden: User "system:anonymous" cannot get path "/api"', {}],
      [
        '/api/v1/namespaces/coder/pods',
        'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "coder"',
        { kind: 'pods' },
      ],
      [
        '/apis/apps/v1/namespaces/coder/deployments/coder',
        'deployments.apps "coder" is forbidden: User "system:anonymous" cannot get resource "deployments" in API group "apps" in the namespace "coder"',
        { name: 'coder', group: 'apps', kind: 'deployments' },
      ],
      [
        '/api/v1/nodes',
        'nodes is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "" at the cluster scope',
        { kind: 'nodes' },
      ],
    ];
    for (const [path, message, details] of cases) {
      const r = await apiRequest(fx, 'us-east-2', path, { token: null });
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toEqual(status(403, 'Forbidden', message, details));
    }
    expect((await apiRequest(fx, 'us-east-2', '/version', { token: 'not-a-token' })).status).toBe(401);
  });
});

describe('reads', () => {
  it('treats watch=1 and watch=true as a watch: JSON lines of {type, object}, ended by timeoutSeconds', async () => {
    for (const flag of ['1', 'true']) {
      const started = Date.now();
      const r = await apiRequest(
        fx,
        'us-west-2',
        `/apis/apps/v1/namespaces/coder/deployments?watch=${flag}&timeoutSeconds=1`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      const events = r.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; object: { kind: string } });
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.type === 'ADDED' && e.object.kind === 'Deployment')).toBe(true);
    }
  });

  it('answers a GET in a missing namespace with <resource>.<group> "<name>" not found', async () => {
    const r = await apiRequest(fx, 'us-west-2', '/apis/apps/v1/namespaces/nope/deployments/x');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual(
      status(404, 'NotFound', 'deployments.apps "x" not found', {
        name: 'x',
        group: 'apps',
        kind: 'deployments',
      }),
    );
    // kubectl 1.32, told NotFound, asks whether the namespace exists and reports that instead.
    const viaKubectl = await k.run('us-west-2', ['get', 'deployment', 'x', '-n', 'nope']);
    expect(viaKubectl.stderr).toBe('Error from server (NotFound): namespaces "nope" not found\n');
    const inExisting = await k.run('us-west-2', ['get', 'deployment', 'x', '-n', 'coder']);
    expect(inExisting.stderr).toBe('Error from server (NotFound): deployments.apps "x" not found\n');
  });
});

describe('RBAC from the Helm chart', () => {
  beforeAll(async () => {
    const out = await k.kubectl('us-east-2', ['apply', '--server-side', '-f', '-'], chartRbacManifests());
    expect(out).toContain('clusterrole.rbac.authorization.k8s.io/opsbot serverside-applied');
  });

  it('kubectl auth can-i: the chart grants what opsbot does, and nothing it does not', async () => {
    const canI = async (args: string[]) => {
      const r = await k.run('us-east-2', ['auth', 'can-i', ...args, '--as=opsbot', '--as-group=opsbot']);
      return `${args.join(' ')}: ${r.stdout.trim()}`;
    };
    const checks: [string[], 'yes' | 'no'][] = [
      [['patch', 'deployments', '--subresource=scale', '-n', 'coder'], 'yes'],
      [['update', 'deployments', '--subresource=scale', '-n', 'litellm'], 'yes'],
      [['watch', 'deployments', '-n', 'coder'], 'yes'],
      [['list', 'pods', '--all-namespaces'], 'yes'],
      [['get', 'nodes', '--subresource=proxy'], 'yes'],
      [['list', 'nodepools.karpenter.sh'], 'yes'],
      [['get', 'secrets/litellm-master-key', '-n', 'litellm'], 'yes'],
      [['get', 'secrets', '-n', 'litellm'], 'no'],
      [['delete', 'pods', '-n', 'coder'], 'no'],
      [['create', 'deployments', '-n', 'coder'], 'no'],
      [['patch', 'deployments', '--subresource=scale', '-n', 'kube-system'], 'no'],
      [['create', 'pods', '--subresource=eviction', '-n', 'coder'], 'no'],
    ];
    const answers = await Promise.all(checks.map(([args]) => canI(args)));
    expect(answers).toEqual(checks.map(([args, want]) => `${args.join(' ')}: ${want}`));
    expect((await k.run('us-east-2', ['auth', 'can-i', 'delete', 'pods', '-n', 'coder'])).stdout.trim()).toBe(
      'yes',
    );
  });

  it("the bot's own adapter works under the chart's grants, and a write it was not granted is refused", async () => {
    const c = fx.sandbox.clusters.get('us-east-2')!;
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: c.id, server: c.server, caData: c.caData, skipTLSVerify: false },
      { name: 'bot', token: BOT_TOKEN },
    );
    const bot = new KubeClusterClient('us-east-2', { kubeConfig: async () => kc, invalidate: () => {} });
    expect((await bot.getDeployment('coder', 'coder'))?.desired).toBeGreaterThan(0);
    await bot.scaleDeployment('coder', 'coder-provisioner-default', 7);
    expect((await bot.getDeployment('coder', 'coder-provisioner-default'))?.desired).toBe(7);
    await bot.listPods('coder', 'app.kubernetes.io/instance=coder');
    await bot.listEvents('litellm');
    await bot.listAutoscalers('coder');
    expect(await bot.secretUpdatedAt('litellm', 'litellm-master-key')).toBeGreaterThan(0);
    const nodes = await bot.listNodes();
    await bot.nodeStorage(nodes[0]!.name);
    await bot.capacity();
    await bot.listNodePools();
    await bot.listNodeClaims();
    const pod = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'coder' })).items[0]!;
    const refused = await statusOf(
      kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: 'coder', name: pod.metadata!.name! }),
    );
    expect(refused).toMatchObject({
      code: 403,
      status: {
        reason: 'Forbidden',
        message: `pods "${pod.metadata!.name}" is forbidden: User "${BOT_ROLE}" cannot delete resource "pods" in API group "" in the namespace "coder"`,
      },
    });
  });
});
