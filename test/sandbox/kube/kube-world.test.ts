import { AutoscalingV2Api, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/sandbox/kube/quantity.js';
import { ROTATED_AT_ANNOTATION } from '../../../src/sandbox/kube/start-kube-sandbox.js';
import { clients, type Fixture, startFixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.sandbox.close());

interface Summary {
  node: {
    nodeName: string;
    fs: { capacityBytes: number; availableBytes: number; usedBytes: number };
    runtime: { imageFs: { capacityBytes: number } };
  };
  pods: { podRef: { name: string; namespace: string }; 'ephemeral-storage': { usedBytes: number } }[];
}

/** client-node declares the proxy result a string but hands over the parsed JSON body. */
function asSummary(body: unknown): Summary {
  return (typeof body === 'string' ? JSON.parse(body) : body) as Summary;
}

describe('seeded clusters', () => {
  it('exposes the endpoints each cluster needs, with the EKS names from the inventory', () => {
    expect([...fx.sandbox.clusters.values()].map((c) => [c.id, c.eksName, c.region])).toEqual([
      ['us-east-2', 'ai-coder-control', 'us-east-2'],
      ['us-west-2', 'ai-coder-proxy-oregon', 'us-west-2'],
      ['eu-west-2', 'ai-coder-proxy-london', 'eu-west-2'],
    ]);
    for (const c of fx.sandbox.clusters.values()) {
      expect(c.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(Buffer.from(c.caData, 'base64').toString()).toContain('BEGIN CERTIFICATE');
    }
  });

  it('has the namespaces and, on the control plane, six workspace pods', async () => {
    const east = clients(fx.sandbox, 'us-east-2').core;
    const ns = (await east.listNamespace()).items.map((n) => n.metadata?.name);
    expect(ns).toEqual(
      expect.arrayContaining(['coder', 'litellm', 'karpenter', 'kube-system', 'coder-workspaces']),
    );
    const west = clients(fx.sandbox, 'us-west-2').core;
    const westNs = (await west.listNamespace()).items.map((n) => n.metadata?.name);
    expect(westNs).not.toContain('litellm');
    expect(westNs).not.toContain('coder-workspaces');
    const ws = await east.listNamespacedPod({
      namespace: 'coder-workspaces',
      labelSelector: 'com.coder.resource=true',
    });
    expect(ws.items).toHaveLength(6);
    expect(ws.items.every((p) => p.status?.phase === 'Running')).toBe(true);
  });

  it('sizes nodes so the default scale fits with >30 % headroom and the inventory maximum does not', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const nodes = (await core.listNode({ labelSelector: 'karpenter.sh/nodepool=default' })).items;
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      expect(n.metadata?.labels).toMatchObject({
        'node.kubernetes.io/instance-type': 'm6i.4xlarge',
        'topology.kubernetes.io/region': 'us-east-2',
      });
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(n.status?.conditions?.find((c) => c.type === 'DiskPressure')?.status).toBe('False');
    }
    const allocatable = nodes.reduce((s, n) => s + parseQuantity(n.status?.allocatable?.cpu), 0);
    const pods = (await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' })).items.filter(
      (p) => nodes.some((n) => n.metadata?.name === p.spec?.nodeName),
    );
    const requested = pods.reduce(
      (s, p) => s + parseQuantity(p.spec?.containers[0]?.resources?.requests?.cpu),
      0,
    );
    expect(1 - requested / allocatable).toBeGreaterThan(0.3);
    const atMax = fx.env.deployments
      .filter((d) => d.cluster === 'us-east-2')
      .reduce(
        (s, d) => s + (d.replicas.max - d.replicas.default) * parseQuantity(d.resources.cpu),
        requested,
      );
    expect(atMax).toBeGreaterThan(allocatable);
  });

  it('serves kubelet stats/summary through the node proxy', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const node = (await core.listNode()).items[0]?.metadata?.name ?? '';
    // client-node sends the path URL-encoded (`stats%2Fsummary`); kubectl --raw (kubectl test) sends it plain.
    const summary = asSummary(await core.connectGetNodeProxyWithPath({ name: node, path: 'stats/summary' }));
    expect(summary.node.nodeName).toBe(node);
    const used = summary.node.fs.usedBytes / summary.node.fs.capacityBytes;
    expect(used).toBeGreaterThanOrEqual(0.3);
    expect(used).toBeLessThanOrEqual(0.45);
    expect(summary.node.fs.availableBytes + summary.node.fs.usedBytes).toBe(summary.node.fs.capacityBytes);
    expect(summary.node.runtime.imageFs.capacityBytes).toBe(summary.node.fs.capacityBytes);
    expect(summary.pods.length).toBeGreaterThan(0);
    expect(summary.pods[0]?.['ephemeral-storage'].usedBytes).toBeGreaterThan(0);
    fx.sandbox.control.fillNodeStorage('us-east-2', node, 72);
    const again = asSummary(await core.connectGetNodeProxyWithPath({ name: node, path: 'stats/summary' }));
    expect(Math.round((again.node.fs.usedBytes / again.node.fs.capacityBytes) * 100)).toBe(72);
  });

  it('marks DiskPressure and taints a node filled past the eviction threshold', async () => {
    const { core } = clients(fx.sandbox, 'us-west-2');
    const node = (await core.listNode()).items[1]?.metadata?.name ?? '';
    fx.sandbox.control.fillNodeStorage('us-west-2', node, 93);
    const n = await core.readNode({ name: node });
    expect(n.status?.conditions?.find((c) => c.type === 'DiskPressure')).toMatchObject({
      status: 'True',
      reason: 'KubeletHasDiskPressure',
    });
    expect(n.spec?.taints).toContainEqual({ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' });
    fx.sandbox.control.fillNodeStorage('us-west-2', node, 40);
    expect((await core.readNode({ name: node })).spec?.taints).toBeUndefined();
  });

  it('has Karpenter NodePools and one NodeClaim per node', async () => {
    const { custom, core } = clients(fx.sandbox, 'us-east-2');
    const pools = (await custom.listClusterCustomObject({
      group: 'karpenter.sh',
      version: 'v1',
      plural: 'nodepools',
    })) as {
      items: {
        metadata: { name: string };
        spec: { limits: Record<string, string>; disruption: { consolidationPolicy: string } };
        status: { resources: { nodes: string } };
      }[];
    };
    const byName = new Map(pools.items.map((p) => [p.metadata.name, p]));
    expect([...byName.keys()]).toEqual(['default', 'workspaces']);
    expect(byName.get('default')?.spec.limits.cpu).toBe('64');
    expect(byName.get('workspaces')?.spec.disruption.consolidationPolicy).toBe('WhenEmpty');
    expect(byName.get('default')?.status.resources.nodes).toBe('3');
    const claims = (await custom.listClusterCustomObject({
      group: 'karpenter.sh',
      version: 'v1',
      plural: 'nodeclaims',
    })) as {
      items: { kind: string; status: { nodeName: string } }[];
    };
    const nodes = (await core.listNode()).items.map((n) => n.metadata?.name).sort();
    expect(claims.items.map((c) => c.status.nodeName).sort()).toEqual(nodes);
    expect(claims.items[0]?.kind).toBe('NodeClaim');
    const one = (await custom.getClusterCustomObject({
      group: 'karpenter.sh',
      version: 'v1',
      plural: 'nodepools',
      name: 'default',
    })) as { kind: string };
    expect(one.kind).toBe('NodePool');
  });

  it('holds the rotator Secret, last rotated about two hours ago', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const secret = await core.readNamespacedSecret({ name: 'litellm-master-key', namespace: 'litellm' });
    expect(Buffer.from(secret.data?.['master-key'] ?? '', 'base64').toString()).toMatch(/^sk-sandbox-/);
    const rotated = Date.parse(secret.metadata?.annotations?.[ROTATED_AT_ANNOTATION] ?? '');
    const ageH = (fx.clock.now() - rotated) / 3_600_000;
    expect(ageH).toBeGreaterThan(1.9);
    expect(ageH).toBeLessThan(2.3);
    const entry = secret.metadata?.managedFields?.find((m) => m.manager === 'litellm-key-rotator');
    expect(entry?.time?.getTime()).toBe(rotated);
  });

  it('answers a metadata-only read of the Secret without its data', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const meta = await core.readNamespacedSecret(
      { name: 'litellm-master-key', namespace: 'litellm' },
      setHeaderOptions(
        'Accept',
        'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
      ),
    );
    expect(meta.kind).toBe('PartialObjectMetadata');
    expect(meta.data).toBeUndefined();
    expect(meta.metadata?.annotations?.[ROTATED_AT_ANNOTATION]).toBeTruthy();
  });

  it('lists HPAs (none seeded) and shows one added by the control API', async () => {
    const hpa = clients(fx.sandbox, 'us-east-2').kc.makeApiClient(AutoscalingV2Api);
    expect((await hpa.listHorizontalPodAutoscalerForAllNamespaces()).items).toHaveLength(0);
    fx.sandbox.control.addHpa('us-east-2', 'litellm', 'litellm', 2, 3);
    const got = await hpa.readNamespacedHorizontalPodAutoscaler({ name: 'litellm', namespace: 'litellm' });
    expect(got.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 3,
      scaleTargetRef: { kind: 'Deployment', name: 'litellm' },
    });
    const { apps } = clients(fx.sandbox, 'us-east-2');
    await fx.sandbox.control.settled('us-east-2');
    // 4 replicas is above the HPA's max: the autoscaler brings it back into range.
    const d = await apps.readNamespacedDeployment({ name: 'litellm', namespace: 'litellm' });
    expect(d.spec?.replicas).toBe(3);
  });
});
