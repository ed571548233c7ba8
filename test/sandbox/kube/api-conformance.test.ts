import * as k8s from '@kubernetes/client-node';
import { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-models/apps/v1';
import { Scale } from 'kubernetes-models/autoscaling/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Event, Namespace, Node, Pod, Secret, Service } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, getJson, kubectlFor } from './api-kit.js';
import { chartRbacManifests } from './chart-rbac-manifests.js';
import { clients, eventually, type Fixture, startFixture, statusOf } from './fixture.js';

// Every object the twin serves must be one the real API could have served: it validates against the
// official OpenAPI schemas (kubernetes-models) and carries no field the generated client models lack.
let fx: Fixture;
let k: Awaited<ReturnType<typeof kubectlFor>>;
const CTX = 'us-east-2';

beforeAll(async () => {
  fx = await startFixture();
  k = await kubectlFor(fx);
  fx.sandbox.control.addHpa(CTX, 'coder', 'coder', 2, 4);
  await k.kubectl(CTX, ['apply', '--server-side', '-f', '-'], chartRbacManifests());
  await k.kubectl(
    CTX,
    ['create', '-f', '-'],
    `apiVersion: v1
kind: Service
metadata: {name: coder, namespace: coder}
spec: {selector: {app.kubernetes.io/name: coder}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Secret
metadata: {name: extra, namespace: coder}
stringData: {token: abc}
`,
  );
});
afterAll(async () => {
  await fx.sandbox.close();
  await k.close();
});

type Model = new (data: never) => { validate(): void };
const LISTS: [string, Model, string][] = [
  ['/apis/apps/v1/deployments', Deployment, 'V1Deployment'],
  ['/apis/apps/v1/replicasets', ReplicaSet, 'V1ReplicaSet'],
  ['/apis/apps/v1/daemonsets', DaemonSet, 'V1DaemonSet'],
  ['/api/v1/pods', Pod, 'V1Pod'],
  ['/api/v1/nodes', Node, 'V1Node'],
  ['/api/v1/events', Event, 'CoreV1Event'],
  ['/api/v1/secrets', Secret, 'V1Secret'],
  ['/api/v1/services', Service, 'V1Service'],
  ['/api/v1/namespaces', Namespace, 'V1Namespace'],
  ['/apis/autoscaling/v2/horizontalpodautoscalers', HorizontalPodAutoscaler, 'V2HorizontalPodAutoscaler'],
  ['/apis/rbac.authorization.k8s.io/v1/clusterroles', ClusterRole, 'V1ClusterRole'],
  ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', ClusterRoleBinding, 'V1ClusterRoleBinding'],
  ['/apis/rbac.authorization.k8s.io/v1/roles', Role, 'V1Role'],
  ['/apis/rbac.authorization.k8s.io/v1/rolebindings', RoleBinding, 'V1RoleBinding'],
];

/** Paths of fields the client model of `type` does not declare (the OpenAPI types it was generated from). */
function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const list = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (list?.[1] || map?.[1]) {
    for (const [key, v] of Object.entries(value as object))
      unknownFields(v, (list ?? map)![1]!, `${path}[${key}]`, out);
    return;
  }
  const model = (
    k8s as unknown as Record<string, { getAttributeTypeMap?: () => { baseName: string; type: string }[] }>
  )[type];
  if (!model?.getAttributeTypeMap) return;
  const attrs = model.getAttributeTypeMap();
  for (const [key, v] of Object.entries(value as object)) {
    const attr = attrs.find((a) => a.baseName === key);
    if (!attr) out.push(`${path}.${key}`);
    else unknownFields(v, attr.type, `${path}.${key}`, out);
  }
}

function check(obj: unknown, model: Model, type: string, where: string): string[] {
  const problems: string[] = [];
  try {
    new model(obj as never).validate();
  } catch (err) {
    problems.push(`${where}: ${(err as Error).message}`);
  }
  const unknown: string[] = [];
  unknownFields(obj, type, where, unknown);
  return [...problems, ...unknown.map((p) => `${p}: unknown field`)];
}

describe('served objects against the official schemas', () => {
  it('validates every listed object of every cluster, and a Scale', async () => {
    const problems: string[] = [];
    // The checks bite: a wrong type and an undeclared field are both reported.
    expect(
      check(
        { metadata: { name: 'x' }, spec: { replicas: 'two', bogus: 1 } },
        Deployment,
        'V1Deployment',
        'x',
      ),
    ).toEqual([expect.stringContaining('data/spec/replicas must be integer'), 'x.spec.bogus: unknown field']);
    for (const cluster of ['us-east-2', 'eu-west-2']) {
      for (const [path, model, type] of LISTS) {
        const list = await getJson<{ items: { metadata: { namespace?: string; name: string } }[] }>(
          fx,
          cluster,
          path,
        );
        if (path.includes('rbac') && cluster === CTX) expect(list.items.length).toBeGreaterThan(0);
        for (const item of list.items)
          problems.push(
            ...check(
              item,
              model,
              type,
              `${cluster}${path}/${item.metadata.namespace ?? ''}/${item.metadata.name}`,
            ),
          );
      }
    }
    const scale = await getJson(fx, CTX, '/apis/apps/v1/namespaces/coder/deployments/coder/scale');
    problems.push(...check(scale, Scale, 'V1Scale', 'scale'));
    expect(problems).toEqual([]);
  });
});

describe('kubectl top and the eviction subresource', () => {
  it('kubectl top nodes|pods reads metrics.k8s.io usage consistent with the pods', async () => {
    const nodes = (await k.kubectl(CTX, ['top', 'nodes', '--no-headers'])).trim().split('\n');
    expect(nodes).toHaveLength(4);
    for (const row of nodes) expect(row.trim()).toMatch(/^ip-10-0-\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%$/);
    const pods = (await k.kubectl(CTX, ['top', 'pods', '-n', 'coder', '--no-headers'])).trim().split('\n');
    const running = JSON.parse(await k.kubectl(CTX, ['get', 'pods', '-n', 'coder', '-o', 'json'])).items
      .length;
    expect(pods).toHaveLength(running);
    for (const row of pods) expect(row.trim()).toMatch(/^coder-\S+\s+\d+m\s+\d+Mi$/);
    const one = (
      await k.kubectl(CTX, [
        'top',
        'pod',
        '-n',
        'coder',
        '-l',
        'app.kubernetes.io/instance=coder',
        '--containers',
        '--no-headers',
      ])
    ).trim();
    expect(one.split('\n').every((l) => /^coder-\S+\s+coder\s+\d+m\s+\d+Mi$/.test(l.trim()))).toBe(true);
  });

  it('POST pods/<name>/eviction (policy/v1) deletes the pod gracefully; its ReplicaSet replaces it', async () => {
    const { core, kc } = clients(fx.sandbox, 'eu-west-2');
    const [pod] = (
      await core.listNamespacedPod({ namespace: 'coder', labelSelector: 'app.kubernetes.io/instance=coder' })
    ).items;
    const name = pod!.metadata!.name!;
    const seen: { type: string; pod: k8s.V1Pod }[] = [];
    const watch = await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/coder/pods',
      { fieldSelector: `metadata.name=${name}` },
      (type, obj) => seen.push({ type, pod: obj as k8s.V1Pod }),
      () => {},
    );
    await eventually(async () => seen.length > 0);
    const result = await apiRequest(fx, 'eu-west-2', `/api/v1/namespaces/coder/pods/${name}/eviction`, {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace: 'coder' },
      }),
    });
    expect(result.status).toBe(201);
    expect(JSON.parse(result.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    await eventually(async () => seen.some((e) => e.type === 'DELETED'));
    watch.abort();
    const terminating = seen.find((e) => e.type === 'MODIFIED' && e.pod.metadata?.deletionTimestamp);
    expect(terminating?.pod.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' }),
    );
    await eventually(async () => {
      const pods = (
        await core.listNamespacedPod({
          namespace: 'coder',
          labelSelector: 'app.kubernetes.io/instance=coder',
        })
      ).items;
      return (
        pods.length === 2 && pods.every((p) => p.status?.phase === 'Running' && p.metadata?.name !== name)
      );
    });
    const missing = await statusOf(
      core.createNamespacedPodEviction({
        name: 'nope',
        namespace: 'coder',
        body: { metadata: { name: 'nope' } },
      }),
    );
    expect(missing).toMatchObject({
      code: 404,
      status: { reason: 'NotFound', message: 'pods "nope" not found' },
    });
  });
});
