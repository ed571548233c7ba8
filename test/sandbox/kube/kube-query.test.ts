import { request } from 'node:https';
import { PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, type Fixture, STATIC_TOKEN, startFixture, statusOf } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.sandbox.close());

/** Raw GET with the static token (for wire-level checks the typed clients hide). */
function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | undefined; body: Record<string, unknown> }> {
  const cluster = fx.sandbox.clusters.get('us-east-2');
  const url = new URL(path, cluster?.server);
  const ca = Buffer.from(cluster?.caData ?? '', 'base64').toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca, headers: { authorization: `Bearer ${STATIC_TOKEN}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('paging', () => {
  it('pages pods across namespaces with limit and an opaque continue token', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const all = await core.listPodForAllNamespaces();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 7, ...(token ? { _continue: token } : {}) });
      seen.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      token = page.metadata?._continue;
      if (token) expect(page.metadata?.remainingItemCount).toBe(all.items.length - seen.length);
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(all.items.length / 7));
    expect(seen).toEqual(all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
  });

  it('answers a garbage continue token with 400 and an expired one with 410 Expired plus a fresh token', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const garbage = await statusOf(core.listPodForAllNamespaces({ limit: 5, _continue: 'not-a-token' }));
    expect(garbage.code).toBe(400);
    expect(String(garbage.status.message)).toMatch(/^invalid continue token/);
    const first = await core.listPodForAllNamespaces({ limit: 5 });
    fx.clock.advance(11 * 60_000);
    const gone = await statusOf(
      core.listPodForAllNamespaces({ limit: 5, _continue: first.metadata?._continue }),
    );
    expect(gone.code).toBe(410);
    expect(gone.status).toMatchObject({ reason: 'Expired', code: 410 });
    const fresh = (gone.status.metadata as { continue?: string }).continue;
    expect(fresh).toBeTruthy();
    const rest = await core.listPodForAllNamespaces({ limit: 5, _continue: fresh });
    expect(rest.items[0]?.metadata?.name).not.toBe(first.items[0]?.metadata?.name);
  });
});

describe('selectors', () => {
  it('supports =, !=, in, notin and exists label selectors', async () => {
    const { apps, core } = clients(fx.sandbox, 'us-east-2');
    const names = async (sel: string) =>
      (await apps.listDeploymentForAllNamespaces({ labelSelector: sel })).items
        .map((d) => d.metadata?.name)
        .sort();
    expect(await names('app=coder-provisioner')).toEqual([
      'coder-provisioner-default',
      'coder-provisioner-demo',
      'coder-provisioner-experimental',
    ]);
    expect(await names('app in (litellm,litellm-key-rotator)')).toEqual(['litellm', 'litellm-key-rotator']);
    expect(await names('app,app notin (coder-provisioner)')).toEqual(['litellm', 'litellm-key-rotator']);
    expect(await names('app.kubernetes.io/name=coder')).toEqual(['coder']);
    expect((await names('!app')).length).toBeGreaterThan(0);
    const ws = await core.listPodForAllNamespaces({ labelSelector: 'com.coder.resource=true' });
    expect(ws.items).toHaveLength(6);
    expect(new Set(ws.items.map((p) => p.metadata?.namespace))).toEqual(new Set(['coder-workspaces']));
    const notWs = await core.listNamespacedPod({
      namespace: 'coder-workspaces',
      labelSelector: 'com.coder.resource!=true',
    });
    expect(notWs.items).toHaveLength(0);
    const bad = await statusOf(core.listPodForAllNamespaces({ labelSelector: 'app in (a' }));
    expect(bad.code).toBe(400);
  });

  it('supports field selectors on pods and events, and rejects unknown fields', async () => {
    const { core } = clients(fx.sandbox, 'us-east-2');
    const node = (await core.listNode()).items[0]?.metadata?.name ?? '';
    const onNode = await core.listPodForAllNamespaces({
      fieldSelector: `spec.nodeName=${node},status.phase=Running`,
    });
    expect(onNode.items.length).toBeGreaterThan(0);
    expect(onNode.items.every((p) => p.spec?.nodeName === node)).toBe(true);
    const named = await core.listNamespacedPod({
      namespace: 'coder-workspaces',
      fieldSelector: 'metadata.name=coder-alice-workshop',
    });
    expect(named.items.map((p) => p.metadata?.name)).toEqual(['coder-alice-workshop']);
    const unknown = await statusOf(core.listPodForAllNamespaces({ fieldSelector: 'spec.image=x' }));
    expect(unknown).toMatchObject({
      code: 400,
      status: { message: 'field label not supported: spec.image' },
    });
  });
});

describe('watch', () => {
  it('streams deployment changes from a resourceVersion, filtered by name', async () => {
    const { kc, apps } = clients(fx.sandbox, 'us-east-2');
    const list = await apps.listNamespacedDeployment({
      namespace: 'litellm',
      fieldSelector: 'metadata.name=litellm',
    });
    const seen: { type: string; replicas: number; ready: number }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      new Watch(kc)
        .watch(
          '/apis/apps/v1/namespaces/litellm/deployments',
          {
            fieldSelector: 'metadata.name=litellm',
            resourceVersion: list.metadata?.resourceVersion,
            allowWatchBookmarks: true,
          },
          (type, obj) => {
            seen.push({ type, replicas: obj.spec.replicas, ready: obj.status.readyReplicas ?? 0 });
            if (obj.spec.replicas === 5 && obj.status.readyReplicas === 5) resolve();
          },
          (err) => (err ? reject(err) : undefined),
        )
        .then((ctl) => done.finally(() => ctl.abort()));
    });
    await apps.patchNamespacedDeployment(
      { name: 'litellm', namespace: 'litellm', body: { spec: { replicas: 5 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await done;
    expect(seen[0]).toMatchObject({ type: 'MODIFIED', replicas: 5 });
    expect(seen.every((e) => e.type === 'MODIFIED')).toBe(true);
  });

  it('ends a watch from a compacted resourceVersion with a 410 ERROR event', async () => {
    const { kc } = clients(fx.sandbox, 'eu-west-2');
    fx.sandbox.control.compact('eu-west-2');
    const events: { type: string; obj: { code?: number; reason?: string } }[] = [];
    await new Promise<void>((resolve) => {
      void new Watch(kc).watch(
        '/api/v1/pods',
        { resourceVersion: '5' },
        (type, obj) => events.push({ type, obj }),
        () => resolve(),
      );
    });
    expect(events).toEqual([
      { type: 'ERROR', obj: expect.objectContaining({ code: 410, reason: 'Expired' }) },
    ]);
  });
});

describe('wire formats kubectl relies on', () => {
  it('serves aggregated discovery when asked, legacy lists otherwise', async () => {
    const agg = await raw('/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    expect(agg.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = (
      agg.body.items as {
        metadata: { name: string };
        versions: {
          resources: { resource: string; subresources?: { subresource: string; responseKind: object }[] }[];
        }[];
      }[]
    ).find((g) => g.metadata.name === 'apps');
    const deploy = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments');
    expect(deploy?.subresources).toContainEqual(
      expect.objectContaining({
        subresource: 'scale',
        responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      }),
    );
    const legacy = await raw('/apis');
    expect(legacy.body.kind).toBe('APIGroupList');
    const rl = await raw('/api/v1');
    expect(rl.body.resources).toContainEqual(expect.objectContaining({ name: 'nodes/proxy' }));
  });

  it('returns server-side tables and lists without per-item kind for built-in types', async () => {
    const table = await raw('/apis/apps/v1/namespaces/coder/deployments', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(table.body.kind).toBe('Table');
    expect((table.body.columnDefinitions as { name: string }[]).map((c) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    const row = (table.body.rows as { cells: unknown[] }[]).find((r) => r.cells[0] === 'coder');
    expect(row?.cells.slice(0, 4)).toEqual(['coder', '2/2', 2, 2]);
    const list = await raw('/api/v1/namespaces/coder/pods?limit=1');
    expect(list.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect((list.body.items as Record<string, unknown>[])[0]?.kind).toBeUndefined();
  });
});
