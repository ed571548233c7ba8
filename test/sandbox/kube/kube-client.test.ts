import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODER_DIGEST, clients, eventually, type Fixture, startFixture, statusOf } from './fixture.js';

let fx: Fixture;
const validTokens = new Set(['k8s-aws-v1.valid-for-control']);

beforeAll(async () => {
  fx = await startFixture({
    validateToken: (token, eksName) =>
      validTokens.has(token) && eksName === 'ai-coder-control'
        ? { ok: true, principal: 'arn:aws:iam::411738201876:role/opsbot' }
        : { ok: false, reason: 'bad signature' },
  });
});
afterAll(() => fx.sandbox.close());

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('deployments through @kubernetes/client-node', () => {
  it('lists the inventory deployments with their labels, requests and settled status', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    const list = await apps.listNamespacedDeployment({ namespace: 'coder' });
    const byName = new Map(list.items.map((d) => [d.metadata?.name, d]));
    expect([...byName.keys()].sort()).toEqual([
      'coder',
      'coder-provisioner-default',
      'coder-provisioner-demo',
      'coder-provisioner-experimental',
    ]);
    const prov = byName.get('coder-provisioner-default');
    expect(prov?.metadata?.labels).toMatchObject({ app: 'coder-provisioner' });
    expect(prov?.spec?.replicas).toBe(6);
    expect(prov?.spec?.template.spec?.containers[0]?.resources?.requests).toEqual({
      cpu: '500m',
      memory: '512Mi',
    });
    expect(prov?.status).toMatchObject({
      replicas: 6,
      readyReplicas: 6,
      availableReplicas: 6,
      updatedReplicas: 6,
      observedGeneration: 1,
    });
    expect(prov?.status?.conditions?.map((c) => c.type).sort()).toEqual(['Available', 'Progressing']);
  });

  it('scales through the scale subresource with a merge patch and reaches readyReplicas', async () => {
    const { apps, core } = clients(fx.sandbox, 'us-east-2');
    const scale = await apps.patchNamespacedDeploymentScale(
      { name: 'coder-provisioner-default', namespace: 'coder', body: { spec: { replicas: 8 } } },
      merge,
    );
    expect(scale.spec?.replicas).toBe(8);
    const d = await apps.readNamespacedDeployment({ name: 'coder-provisioner-default', namespace: 'coder' });
    expect(d.metadata?.generation).toBe(2);
    const ready = await eventually(async () => {
      const x = await apps.readNamespacedDeployment({
        name: 'coder-provisioner-default',
        namespace: 'coder',
      });
      return x.status?.readyReplicas === 8 && x.status.observedGeneration === 2 ? x : undefined;
    });
    expect(ready.status?.availableReplicas).toBe(8);
    const pods = await core.listNamespacedPod({
      namespace: 'coder',
      labelSelector: 'app.kubernetes.io/instance=coder-provisioner-default',
    });
    expect(pods.items).toHaveLength(8);
    for (const p of pods.items) {
      expect(p.status?.phase).toBe('Running');
      expect(p.spec?.nodeName).toMatch(/^ip-10-0-/);
      expect(p.status?.containerStatuses?.[0]?.imageID).toBe(`ghcr.io/coder/coder-preview@${CODER_DIGEST}`);
    }
    const events = await core.listNamespacedEvent({
      namespace: 'coder',
      fieldSelector: 'involvedObject.name=coder-provisioner-default,reason=ScalingReplicaSet',
    });
    expect(events.items.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^Scaled up replica set coder-provisioner-default-\w+ from 6 to 8$/),
    );
  });

  it('answers a plain application/json PATCH with 415 and the accepted patch types', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    const { code, status } = await statusOf(
      apps.patchNamespacedDeploymentScale(
        { name: 'coder', namespace: 'coder', body: { spec: { replicas: 3 } } },
        setHeaderOptions('Content-Type', 'application/json'),
      ),
    );
    expect(code).toBe(415);
    expect(status).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    expect(status.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('rejects a merge-style body sent with the default JSON Patch content type', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    const { code, status } = await statusOf(
      apps.patchNamespacedDeploymentScale({
        name: 'coder',
        namespace: 'coder',
        body: { spec: { replicas: 3 } },
      }),
    );
    expect(code).toBe(400);
    expect(status).toMatchObject({ reason: 'BadRequest' });
    expect(String(status.message)).toContain(
      'cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
    const d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(d.spec?.replicas).toBe(2);
  });

  it('applies a real JSON patch and a strategic merge patch', async () => {
    const { apps } = clients(fx.sandbox, 'us-west-2');
    await apps.patchNamespacedDeployment({
      name: 'coder',
      namespace: 'coder',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    await apps.patchNamespacedDeployment(
      {
        name: 'coder',
        namespace: 'coder',
        body: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(d.spec?.replicas).toBe(3);
    expect(d.spec?.template.spec?.containers).toHaveLength(1);
    expect(d.metadata?.generation).toBe(3);
    await eventually(async () => {
      const x = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
      return x.status?.updatedReplicas === 3 && x.status.availableReplicas === 3 && x.status.replicas === 3;
    });
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'coder' });
    expect(rs.items.map((r) => r.spec?.replicas).sort()).toEqual([0, 3]);
  });

  it('refuses negative replicas with 422 Invalid on both the deployment and the scale', async () => {
    const { apps } = clients(fx.sandbox, 'eu-west-2');
    const viaScale = await statusOf(
      apps.patchNamespacedDeploymentScale(
        { name: 'coder', namespace: 'coder', body: { spec: { replicas: -1 } } },
        merge,
      ),
    );
    expect(viaScale.code).toBe(422);
    expect(viaScale.status).toMatchObject({
      reason: 'Invalid',
      message:
        'Scale.autoscaling "coder" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      details: {
        name: 'coder',
        group: 'autoscaling',
        kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas' }],
      },
    });
    const viaDeployment = await statusOf(
      apps.patchNamespacedDeployment(
        { name: 'coder', namespace: 'coder', body: { spec: { replicas: -2 } } },
        merge,
      ),
    );
    expect(viaDeployment.status.message).toBe(
      'Deployment.apps "coder" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    );
    const typeError = await statusOf(
      apps.patchNamespacedDeployment(
        { name: 'coder', namespace: 'coder', body: { spec: { replicas: 'three' } } },
        merge,
      ),
    );
    expect(typeError.code).toBe(422);
    expect(String(typeError.status.message)).toContain(
      'cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });

  it('detects a stale resourceVersion on PUT with 409 Conflict', async () => {
    const { apps } = clients(fx.sandbox, 'eu-west-2');
    const d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    fx.sandbox.control.setReplicas('eu-west-2', 'coder', 'coder', 3);
    if (d.spec) d.spec.replicas = 4;
    const { code, status } = await statusOf(
      apps.replaceNamespacedDeployment({ name: 'coder', namespace: 'coder', body: d }),
    );
    expect(code).toBe(409);
    expect(status).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on deployments.apps "coder": the object has been modified; please apply your changes to the latest version and try again',
    });
    // Controllers also write (status), so read-modify-write only once the rollout has settled.
    await fx.sandbox.control.settled('eu-west-2');
    const fresh = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    expect(fresh.spec?.replicas).toBe(3);
    if (fresh.spec) fresh.spec.replicas = 2;
    const saved = await apps.replaceNamespacedDeployment({ name: 'coder', namespace: 'coder', body: fresh });
    expect(saved.spec?.replicas).toBe(2);
    expect(Number(saved.metadata?.resourceVersion)).toBeGreaterThan(Number(fresh.metadata?.resourceVersion));
  });

  it('honours dryRun=All without changing anything', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    const scale = await apps.patchNamespacedDeploymentScale(
      { name: 'litellm', namespace: 'litellm', body: { spec: { replicas: 6 } }, dryRun: 'All' },
      merge,
    );
    expect(scale.spec?.replicas).toBe(6);
    const d = await apps.readNamespacedDeployment({ name: 'litellm', namespace: 'litellm' });
    expect(d.spec?.replicas).toBe(4);
  });

  it('answers 405 for verbs the simulated API does not serve, 409 for a create of an existing name', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    const d = await apps.readNamespacedDeployment({ name: 'coder', namespace: 'coder' });
    const { code, status } = await statusOf(
      apps.deleteCollectionNamespacedDeployment({ namespace: 'coder' }),
    );
    expect(code).toBe(405);
    expect(status).toMatchObject({
      reason: 'MethodNotAllowed',
      details: { group: 'apps', kind: 'deployments' },
    });
    expect(await statusOf(apps.createNamespacedDeployment({ namespace: 'coder', body: d }))).toMatchObject({
      code: 409,
      status: { reason: 'AlreadyExists', message: 'deployments.apps "coder" already exists' },
    });
  });

  it('answers 404 with the real message for a missing deployment', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2');
    const { code, status } = await statusOf(
      apps.readNamespacedDeployment({ name: 'nope', namespace: 'coder' }),
    );
    expect(code).toBe(404);
    expect(status).toMatchObject({
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
  });
});

describe('authentication', () => {
  it('rejects a wrong static token with 401', async () => {
    const { apps } = clients(fx.sandbox, 'us-east-2', 'not-the-token');
    const { code } = await statusOf(apps.listNamespacedDeployment({ namespace: 'coder' }));
    expect(code).toBe(401);
  });

  it('accepts an EKS token only where the validator vouches for it, for that cluster', async () => {
    const good = clients(fx.sandbox, 'us-east-2', 'k8s-aws-v1.valid-for-control');
    expect((await good.apps.listNamespacedDeployment({ namespace: 'coder' })).items.length).toBeGreaterThan(
      0,
    );
    const otherCluster = clients(fx.sandbox, 'us-west-2', 'k8s-aws-v1.valid-for-control');
    expect((await statusOf(otherCluster.apps.listNamespacedDeployment({ namespace: 'coder' }))).code).toBe(
      401,
    );
    const forged = clients(fx.sandbox, 'us-east-2', 'k8s-aws-v1.forged');
    const { code, status } = await statusOf(forged.core.listNode());
    expect(code).toBe(401);
    expect(JSON.stringify(status)).not.toContain('bad signature');
  });
});
