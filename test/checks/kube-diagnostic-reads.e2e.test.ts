import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EksClusterAccess } from '../../src/adapters/aws/eks-cluster-access.js';
import { KubeClusters } from '../../src/adapters/kubernetes/kube-clusters.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import type { PodDetail } from '../../src/ports/clusters.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startTestSandbox } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
let access: EksClusterAccess;
let clusters: KubeClusters;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const env = (await loadInventory('infra')).get('ai.coder.com')!;
  access = new EksClusterAccess({
    clusters: env.clusters,
    credentials: async () => ({
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    }),
    endpoint: sandbox.state.aws.endpoint,
    clock: sandbox.sim.clock,
  });
  // Small pages, so the cluster's few dozen pods take several round trips.
  clusters = new KubeClusters(access, { timeoutMs: 5_000, pageSize: 5 });
});
afterAll(async () => {
  access?.destroy();
  await sandbox?.close();
});

const collect = () => [] as PodDetail[];
const push = (acc: PodDetail[], page: PodDetail[]) => {
  acc.push(...page);
  return acc;
};

describe('the diagnostic reads of the Kubernetes adapter, against the simulated clusters', () => {
  it('folds over pods page by page and starts over when the list expires (410)', async () => {
    const client = clusters.client('us-east-2');
    const total = sandbox.sim.kube.control.snapshot('us-east-2').pods.length;
    let pages = 0;
    let compacted = false;
    const pods = await client.foldPods({}, collect, (acc, page) => {
      pages++;
      expect(page.length).toBeLessThanOrEqual(5);
      // After the first page, the API server compacts: the next continue token is too old.
      if (!compacted) {
        compacted = true;
        sandbox.sim.kube.control.compact('us-east-2');
      }
      return push(acc, page);
    });
    expect(pods).toHaveLength(total);
    expect(new Set(pods.map((p) => `${p.namespace}/${p.name}`)).size).toBe(total);
    expect(pages).toBeGreaterThan(Math.ceil(total / 5)); // the first page was read twice
  });

  it('filters server-side by phase and label', async () => {
    const client = clusters.client('us-east-2');
    const provisioners = await client.foldPods(
      { namespace: 'coder', labelSelector: 'app=coder-provisioner' },
      collect,
      push,
    );
    expect(provisioners).toHaveLength(10);
    expect(provisioners[0]?.requests).toEqual({ cpu: 0.5, memory: 512 * 1024 ** 2 });
    expect(provisioners[0]?.containers[0]?.imageID).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(await client.foldPods({ fieldSelector: 'status.phase=Failed' }, collect, push)).toEqual([]);
  });

  it('reads node storage from the kubelet and node conditions', async () => {
    const client = clusters.client('us-west-2');
    const nodes = await client.listNodes();
    expect(nodes).toHaveLength(2);
    expect(nodes[0]?.conditions.map((c) => c.type).sort()).toEqual([
      'DiskPressure',
      'MemoryPressure',
      'PIDPressure',
      'Ready',
    ]);
    sandbox.sim.kube.control.fillNodeStorage('us-west-2', nodes[0]!.name, 72);
    const stats = await client.nodeStorage(nodes[0]!.name);
    expect(Math.round((stats.usedBytes / stats.capacityBytes) * 100)).toBe(72);
    expect(stats.topPods.length).toBeGreaterThan(0);
    expect(stats.topPods[0]!.usedBytes).toBeGreaterThanOrEqual(stats.topPods.at(-1)!.usedBytes);
  });

  it('reads Karpenter NodePools with their limits and NodeClaims with their conditions', async () => {
    const client = clusters.client('us-east-2');
    const pools = await client.listNodePools();
    expect(pools.map((p) => p.name).sort()).toEqual(['default', 'workspaces']);
    expect(pools.find((p) => p.name === 'default')).toMatchObject({ ready: true, limits: { cpu: 64 } });
    const stuck = sandbox.sim.kube.control.addStuckNodeClaim('us-east-2', 'workspaces');
    const claims = await client.listNodeClaims();
    const claim = claims.find((c) => c.name === stuck);
    expect(claim).toMatchObject({ pool: 'workspaces' });
    expect(claim?.nodeName).toBeUndefined();
    expect(claim?.conditions.find((c) => c.type === 'Launched')).toMatchObject({
      status: 'False',
      reason: 'InsufficientCapacityError',
    });
    expect(claims.filter((c) => c.nodeName)).toHaveLength(4);
  });
});
