import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlFor } from './api-kit.js';
import { eventually, type Fixture, startFixture } from './fixture.js';

// Writes through kubectl 1.32 as on a real cluster: create -f, server-side apply, scale, delete.
let fx: Fixture;
let k: Awaited<ReturnType<typeof kubectlFor>>;
const CTX = 'eu-west-2';

beforeAll(async () => {
  fx = await startFixture();
  k = await kubectlFor(fx);
});
afterAll(async () => {
  await fx.sandbox.close();
  await k.close();
});

const deployment = (name: string, image: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default, labels: {app: ${name}}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {port: 8080}}
${extra}`;

async function getObject(kind: string, name: string) {
  return JSON.parse(
    await k.kubectl(CTX, ['get', kind, name, '-n', 'default', '-o', 'json', '--show-managed-fields']),
  );
}

describe('kubectl writes against the twin', () => {
  it('create -f defaults a Deployment like the API server and records kubectl-create as its manager', async () => {
    await k.kubectl(
      CTX,
      ['create', '-f', '-'],
      `${deployment('latest', 'nginx')}---${deployment('pinned', 'nginx:1.27.3')}`,
    );
    const d = await getObject('deployment', 'latest');
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(d.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: {
        httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
    });
    const pinned = await getObject('deployment', 'pinned');
    expect(pinned.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(d.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
      }),
    ]);
    expect(
      d.metadata.managedFields[0].fieldsV1['f:spec']['f:template']['f:spec']['f:containers'],
    ).toHaveProperty(['k:{"name":"web"}', 'f:imagePullPolicy']);
    await eventually(async () => (await getObject('deployment', 'latest')).status.readyReplicas === 1);
  });

  it('kubectl scale takes spec.replicas as manager "kubectl" on the scale subresource', async () => {
    expect(await k.kubectl(CTX, ['scale', 'deployment/latest', '--replicas=3', '-n', 'default'])).toContain(
      'scaled',
    );
    const managers = (await getObject('deployment', 'latest')).metadata.managedFields;
    expect(managers).toContainEqual(
      expect.objectContaining({
        manager: 'kubectl',
        operation: 'Update',
        subresource: 'scale',
        apiVersion: 'apps/v1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      }),
    );
    const create = managers.find((m: { manager: string }) => m.manager === 'kubectl-create');
    expect(create.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
  });

  it('server-side apply: conflicts with the real message, force takes ownership, creates when missing', async () => {
    const applied = deployment('latest', 'nginx', '  replicas: 5\n');
    const conflict = await k.run(CTX, ['apply', '--server-side', '-f', '-'], applied);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    await k.kubectl(
      CTX,
      ['apply', '--server-side', '--force-conflicts', '--field-manager=ci', '-f', '-'],
      applied,
    );
    const d = await getObject('deployment', 'latest');
    expect(d.spec.replicas).toBe(5);
    const ci = d.metadata.managedFields.find((m: { manager: string }) => m.manager === 'ci');
    expect(ci).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1' });
    expect(ci.fieldsV1['f:spec']).toHaveProperty('f:replicas');
    expect(d.metadata.managedFields.some((m: { subresource?: string }) => m.subresource === 'scale')).toBe(
      false,
    );
    // Applying without a field it applied before removes it (nobody else owns the label).
    await k.kubectl(
      CTX,
      ['apply', '--server-side', '--field-manager=ci', '-f', '-'],
      applied.replace(', labels: {app: latest}', ', labels: {app: latest, tier: web}'),
    );
    expect((await getObject('deployment', 'latest')).metadata.labels).toEqual({ app: 'latest', tier: 'web' });
    await k.kubectl(CTX, ['apply', '--server-side', '--field-manager=ci', '-f', '-'], applied);
    expect((await getObject('deployment', 'latest')).metadata.labels).toEqual({ app: 'latest' });
    const created = await k.kubectl(
      CTX,
      ['apply', '--server-side', '-f', '-'],
      deployment('applied', 'nginx:1.27.3'),
    );
    expect(created).toBe('deployment.apps/applied serverside-applied\n');
    expect((await getObject('deployment', 'applied')).metadata.managedFields[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Apply',
    });
  });

  it('deletes a Deployment with its ReplicaSets and pods (background propagation)', async () => {
    const rs = async () =>
      JSON.parse(await k.kubectl(CTX, ['get', 'rs,pods', '-n', 'default', '-l', 'app=pinned', '-o', 'json']))
        .items;
    await eventually(async () => (await rs()).length >= 2);
    expect(await k.kubectl(CTX, ['delete', 'deployment', 'pinned', '-n', 'default'])).toBe(
      'deployment.apps "pinned" deleted\n',
    );
    await eventually(async () => (await rs()).length === 0);
    const gone = await k.run(CTX, ['get', 'deployment', 'pinned', '-n', 'default']);
    expect(gone.stderr).toContain('Error from server (NotFound): deployments.apps "pinned" not found');
  });

  it('decodes the protobuf bodies of typed kubectl commands into what --dry-run=client shows', async () => {
    const create = [
      'create',
      'deployment',
      'typed',
      '--image=nginx:1.27.3',
      '--port=80',
      '--replicas=0',
      '-n',
      'default',
    ];
    const intended = JSON.parse(await k.kubectl(CTX, [...create, '--dry-run=client', '-o', 'json']));
    expect(await k.kubectl(CTX, create)).toBe('deployment.apps/typed created\n');
    const d = await getObject('deployment', 'typed');
    expect(d.metadata.labels).toEqual(intended.metadata.labels);
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.selector).toEqual(intended.spec.selector);
    expect(d.spec.template.spec.containers[0]).toMatchObject(intended.spec.template.spec.containers[0]);
    await k.kubectl(CTX, [
      'create',
      'secret',
      'generic',
      'typed',
      '--from-literal=token=abc',
      '-n',
      'default',
    ]);
    expect((await getObject('secret', 'typed')).data).toEqual({
      token: Buffer.from('abc').toString('base64'),
    });
    await k.kubectl(CTX, ['create', 'service', 'clusterip', 'typed', '--tcp=80:8080', '-n', 'default']);
    expect((await getObject('service', 'typed')).spec.ports).toEqual([
      { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
    ]);
  });

  it('validates fields as kubectl asks (fieldValidation=Strict): an unknown field is a 400', async () => {
    const typo = deployment('typo', 'nginx:1.27.3').replace('image: nginx', 'imagee: nginx');
    const r = await k.run(CTX, ['create', '-f', '-'], typo);
    expect(r.stderr).toContain(
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee"',
    );
  });

  it('creates and deletes Services and Secrets', async () => {
    const manifests = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: latest}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: default}
stringData: {password: hunter2}
`;
    expect(await k.kubectl(CTX, ['create', '-f', '-'], manifests)).toBe(
      'service/web created\nsecret/creds created\n',
    );
    const svc = await getObject('service', 'web');
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(svc.spec.clusterIP).toMatch(/^172\.20\.\d+\.\d+$/);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    const row = (await k.kubectl(CTX, ['get', 'svc', 'web', '-n', 'default', '--no-headers']))
      .trim()
      .split(/\s+/);
    expect(row.slice(0, 5)).toEqual(['web', 'ClusterIP', svc.spec.clusterIP, '<none>', '80/TCP']);
    const secret = await getObject('secret', 'creds');
    expect(secret).toMatchObject({
      type: 'Opaque',
      data: { password: Buffer.from('hunter2').toString('base64') },
    });
    expect(secret).not.toHaveProperty('stringData');
    const again = await k.run(CTX, ['create', '-f', '-'], manifests);
    expect(again.stderr).toContain(
      'Error from server (AlreadyExists): error when creating "STDIN": services "web" already exists',
    );
    expect(await k.kubectl(CTX, ['delete', '-f', '-'], manifests)).toBe(
      'service "web" deleted\nsecret "creds" deleted\n',
    );
    expect((await k.run(CTX, ['get', 'secret', 'creds', '-n', 'default'])).stderr).toContain(
      'secrets "creds" not found',
    );
  });
});
