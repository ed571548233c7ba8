import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROTATED_AT_ANNOTATION } from '../../../src/sandbox/kube/start-kube-sandbox.js';
import { clients, eventually, type Fixture, startFixture, statusOf } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.sandbox.close());
beforeEach(() => {
  fx.sandbox.control.reset();
  fx.faults.reset();
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function events(clusterId: string, namespace: string, selector: string) {
  const { core } = clients(fx.sandbox, clusterId);
  return (await core.listNamespacedEvent({ namespace, fieldSelector: selector })).items;
}

describe('fault and change controls', () => {
  it('crash-loops a deployment: restarts grow, pods go unready, BackOff events appear', async () => {
    const { apps, core } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.crashLoop('us-east-2', 'litellm', 'litellm', true);
    const pods = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace: 'litellm', labelSelector: 'app=litellm' });
      return list.items.every((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2)
        ? list.items
        : undefined;
    });
    expect(pods[0]?.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    const d = await eventually(async () => {
      const x = await apps.readNamespacedDeployment({ name: 'litellm', namespace: 'litellm' });
      return (x.status?.readyReplicas ?? 0) < 4 ? x : undefined;
    });
    expect(d.status?.unavailableReplicas).toBeGreaterThan(0);
    const backoff = await events('us-east-2', 'litellm', 'reason=BackOff,involvedObject.kind=Pod');
    expect(backoff[0]?.message).toMatch(/^Back-off restarting failed container litellm in pod litellm-/);
    fx.sandbox.control.crashLoop('us-east-2', 'litellm', 'litellm', false);
    await eventually(
      async () =>
        (await apps.readNamespacedDeployment({ name: 'litellm', namespace: 'litellm' })).status
          ?.readyReplicas === 4,
    );
  });

  it('keeps new pods Pending with FailedScheduling when capacity is exhausted', async () => {
    const { apps, core } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.exhaustCapacity('us-east-2', true);
    await apps.patchNamespacedDeploymentScale(
      { name: 'coder-provisioner-default', namespace: 'coder', body: { spec: { replicas: 8 } } },
      merge,
    );
    const pending = await eventually(async () => {
      const list = await core.listNamespacedPod({
        namespace: 'coder',
        fieldSelector: 'status.phase=Pending',
      });
      const stuck = list.items.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
      );
      return stuck.length === 2 ? stuck : undefined;
    });
    const cond = pending[0]?.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(cond?.status).toBe('False');
    expect(cond?.message).toMatch(
      /^0\/4 nodes are available: 3 Insufficient cpu, 1 node\(s\) had untolerated taint \{coder\.com\/workspaces: true\}\./,
    );
    const failed = await events(
      'us-east-2',
      'coder',
      `involvedObject.name=${pending[0]?.metadata?.name},reason=FailedScheduling`,
    );
    expect(failed[0]).toMatchObject({ type: 'Warning', source: { component: 'default-scheduler' } });
    const d = await apps.readNamespacedDeployment({ name: 'coder-provisioner-default', namespace: 'coder' });
    expect(d.status?.readyReplicas).toBe(6);
    fx.sandbox.control.exhaustCapacity('us-east-2', false);
    await eventually(
      async () =>
        (await apps.readNamespacedDeployment({ name: 'coder-provisioner-default', namespace: 'coder' }))
          .status?.readyReplicas === 8,
    );
  });

  it('fails image pulls for new pods with ErrImagePull/ImagePullBackOff and events', async () => {
    const { apps, core } = clients(fx.sandbox, 'us-west-2');
    fx.sandbox.control.failImagePull('us-west-2', 'coder', 'coder', true);
    await apps.patchNamespacedDeploymentScale(
      { name: 'coder', namespace: 'coder', body: { spec: { replicas: 3 } } },
      merge,
    );
    const stuck = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace: 'coder' });
      return list.items.find(
        (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
      );
    });
    expect(stuck.status?.phase).toBe('Pending');
    const failed = await events(
      'us-west-2',
      'coder',
      `involvedObject.name=${stuck.metadata?.name},reason=Failed`,
    );
    expect(failed.map((e) => e.message)).toContain('Error: ErrImagePull');
  });

  it('evicts a workspace pod the way the kubelet does under disk pressure', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.evictPod('us-east-2', 'coder-workspaces', 'coder-bob-workshop');
    const pod = await core.readNamespacedPod({ name: 'coder-bob-workshop', namespace: 'coder-workspaces' });
    expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(pod.status?.message).toContain('low on resource: ephemeral-storage');
    const ev = await events(
      'us-east-2',
      'coder-workspaces',
      'involvedObject.name=coder-bob-workshop,reason=Evicted',
    );
    expect(ev).toHaveLength(1);
  });

  it('rotates the key: new Secret data and time, and every workspace restarts', async () => {
    const { core, apps } = clients(fx.sandbox, 'us-east-2');
    const before = await core.readNamespacedSecret({ name: 'litellm-master-key', namespace: 'litellm' });
    const wsBefore = await core.listNamespacedPod({ namespace: 'coder-workspaces' });
    fx.clock.advance(60_000);
    expect(fx.sandbox.control.rotateKey()).toBe(true);
    const after = await core.readNamespacedSecret({ name: 'litellm-master-key', namespace: 'litellm' });
    expect(after.data?.['master-key']).not.toBe(before.data?.['master-key']);
    expect(Date.parse(after.metadata?.annotations?.[ROTATED_AT_ANNOTATION] ?? '')).toBeGreaterThan(
      Date.parse(before.metadata?.annotations?.[ROTATED_AT_ANNOTATION] ?? ''),
    );
    const restarted = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace: 'coder-workspaces' });
      return list.items.every(
        (p) =>
          p.status?.phase === 'Running' &&
          p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
        ? list.items
        : undefined;
    });
    const uids = new Set(wsBefore.items.map((p) => p.metadata?.uid));
    expect(restarted.map((p) => p.metadata?.name).sort()).toEqual(
      wsBefore.items.map((p) => p.metadata?.name).sort(),
    );
    expect(restarted.some((p) => uids.has(p.metadata?.uid))).toBe(false);
    expect(
      restarted.every((p) => (p.metadata?.creationTimestamp?.getTime() ?? 0) > Date.now() - 60_000),
    ).toBe(true);
    await apps.patchNamespacedDeploymentScale(
      { name: 'litellm-key-rotator', namespace: 'litellm', body: { spec: { replicas: 0 } } },
      merge,
    );
    expect(fx.sandbox.control.rotateKey()).toBe(false);
  });

  it('rolls out a new image digest and reports it in the pods imageID', async () => {
    const { apps, core } = clients(fx.sandbox, 'eu-west-2');
    const digest = `sha256:${'e'.repeat(64)}`;
    fx.sandbox.control.setImage('eu-west-2', 'coder', 'coder', 'ghcr.io/coder/coder-preview:v2.29.0', digest);
    await eventually(async () => {
      const d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
      return d.status?.updatedReplicas === 2 && d.status.replicas === 2 && d.status.availableReplicas === 2;
    });
    await fx.sandbox.control.settled('eu-west-2');
    const pods = await core.listNamespacedPod({ namespace: 'coder' });
    expect(pods.items.map((p) => p.status?.containerStatuses?.[0]?.imageID)).toEqual([
      `ghcr.io/coder/coder-preview@${digest}`,
      `ghcr.io/coder/coder-preview@${digest}`,
    ]);
    const d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('adds and removes Argo CD and Helm ownership markers', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.setManagedBy('us-east-2', 'coder', 'coder', 'argocd');
    let d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(d.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      'coder:apps/Deployment:coder/coder',
    );
    expect(d.metadata?.labels?.['app.kubernetes.io/instance']).toBe('coder');
    fx.sandbox.control.setManagedBy('us-east-2', 'coder', 'coder', 'helm');
    d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(d.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(d.metadata?.annotations?.['meta.helm.sh/release-name']).toBe('coder');
    expect(d.metadata?.annotations?.['argocd.argoproj.io/tracking-id']).toBeUndefined();
    fx.sandbox.control.setManagedBy('us-east-2', 'coder', 'coder', null);
    d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(d.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    expect(d.metadata?.generation).toBe(1);
  });

  it('records an out-of-band scale as a new generation with its manager', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.setReplicas('us-east-2', 'coder', 'coder-provisioner-demo', 4);
    const d = await apps.readNamespacedDeployment({ name: 'coder-provisioner-demo', namespace: 'coder' });
    expect(d.spec?.replicas).toBe(4);
    expect(d.metadata?.generation).toBe(2);
    expect(d.metadata?.managedFields?.map((m) => m.manager)).toContain('kubectl');
  });

  it('marks a scale that cannot finish as ProgressDeadlineExceeded once the deadline passes', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.exhaustCapacity('us-east-2', true);
    await apps.patchNamespacedDeploymentScale(
      { name: 'litellm', namespace: 'litellm', body: { spec: { replicas: 6 } } },
      merge,
    );
    await fx.sandbox.control.settled('us-east-2');
    fx.clock.advance(11 * 60_000);
    const cond = await eventually(async () => {
      const d = await apps.readNamespacedDeployment({ name: 'litellm', namespace: 'litellm' });
      const p = d.status?.conditions?.find((c) => c.type === 'Progressing');
      return p?.reason === 'ProgressDeadlineExceeded' ? p : undefined;
    }, 4_000);
    expect(cond.status).toBe('False');
  });

  it('deletes a pod gracefully; its ReplicaSet replaces it', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const before = await core.listNamespacedPod({
      namespace: 'coder',
      labelSelector: 'app.kubernetes.io/instance=coder',
    });
    const victim = before.items[0]?.metadata?.name ?? '';
    const deleted = await core.deleteNamespacedPod({ name: victim, namespace: 'coder' });
    expect(deleted.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const after = await eventually(async () => {
      const list = await core.listNamespacedPod({
        namespace: 'coder',
        labelSelector: 'app.kubernetes.io/instance=coder',
      });
      const names = list.items.map((p) => p.metadata?.name);
      const ready = list.items.every((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return !names.includes(victim) && list.items.length === 2 && ready ? list.items : undefined;
    });
    expect(after).toHaveLength(2);
    expect((await statusOf(core.deleteNamespacedPod({ name: victim, namespace: 'coder' }))).code).toBe(404);
  });

  it('injects API faults per cluster as Status bodies', async () => {
    const { apps } = clients(fx.sandbox, 'us-west-2');
    fx.faults.fail('kube:us-west-2', { status: 429, count: 1, retryAfter: 2 });
    const limited = await statusOf(apps.listNamespacedDeployment({ namespace: 'coder' }));
    expect(limited).toMatchObject({ code: 429, status: { kind: 'Status', reason: 'TooManyRequests' } });
    expect((await apps.listNamespacedDeployment({ namespace: 'coder' })).items).toHaveLength(1);
    const east = clients(fx.sandbox, 'us-east-2').apps;
    fx.faults.fail('kube:us-east-2', { status: 500, count: 1 });
    expect((await statusOf(east.listNamespacedDeployment({ namespace: 'coder' }))).code).toBe(500);
  });

  it('reset brings back the seeded world', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    fx.sandbox.control.setReplicas('us-east-2', 'litellm', 'litellm', 7);
    fx.sandbox.control.reset();
    const d = await apps.readNamespacedDeployment({ name: 'litellm', namespace: 'litellm' });
    expect(d.spec?.replicas).toBe(4);
    expect(d.status?.readyReplicas).toBe(4);
    expect(
      fx.sandbox.control.snapshot('us-east-2').deployments.find((x) => x.name === 'litellm'),
    ).toMatchObject({ desired: 4, ready: 4 });
  });
});
