import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartRbac, flatten, type Rule } from './chart-rbac.js';

// Parses every .tf file with HashiCorp's HCL parser (hcl2-parser: hcl2json compiled to JavaScript)
// so a syntax error fails the tests, then checks what the configuration grants. `terraform
// validate` needs providers from the Terraform registry; the GitHub workflow runs it.
type Hcl = Record<string, unknown>;
// Its typings declare globals rather than a module, so it is typed here: [result, error].
const hcl2 = createRequire(import.meta.url)('hcl2-parser') as {
  parseToObject(input: string): [Hcl | null, unknown];
};

/** The parsed file, or undefined on a syntax error (the parser reports no message; `terraform fmt` does). */
function parseHcl(text: string): Hcl | undefined {
  const [result, error] = hcl2.parseToObject(text);
  return error === null && result !== null ? result : undefined;
}

const ROOT = 'infra/terraform';
function tfFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tfFiles(join(dir, e.name)) : e.name.endsWith('.tf') ? [join(dir, e.name)] : [],
  );
}
const files = tfFiles(ROOT);
const parsed = new Map<string, Hcl>();
for (const file of files) {
  const result = parseHcl(readFileSync(file, 'utf8'));
  if (result) parsed.set(relative(ROOT, file), result);
}

/** Every value stored under `key` anywhere in a parsed file (hcl2json turns blocks into arrays). */
function collect(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => collect(n, key));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => [
    ...(k === key ? (Array.isArray(v) ? v : [v]) : []),
    ...collect(v, key),
  ]);
}

/** How hcl2json writes an expression it cannot evaluate: `${expr}`. */
const interp = (expr: string) => `\${${expr}}`;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

/** The blocks `<kind> "<type>" "<name>"` (resource/data) of a parsed file, as [name, body] pairs. */
function blocks(hcl: Hcl, kind: 'resource' | 'data', type: string): [string, Record<string, unknown>][] {
  const byName = (hcl[kind] as Record<string, Record<string, unknown[]>> | undefined)?.[type] ?? {};
  return Object.entries(byName).flatMap(([name, list]) =>
    list.map((b) => [name, b as Record<string, unknown>] as [string, Record<string, unknown>]),
  );
}

function all(kind: 'resource' | 'data', type: string): [string, Record<string, unknown>][] {
  return [...parsed.values()].flatMap((hcl) => blocks(hcl, kind, type));
}

interface Statement {
  sid: string;
  actions: string[];
  resources: string[];
}

function statementsOf(doc: Record<string, unknown>): Statement[] {
  return collect(doc, 'statement').map((s) => {
    const st = s as Record<string, unknown>;
    return { sid: String(st.sid), actions: strings(st.actions), resources: strings(st.resources) };
  });
}

function rulesOf(body: Record<string, unknown>): Rule[] {
  return collect(body, 'rule').map((r) => {
    const rule = r as Record<string, unknown>;
    return {
      apiGroups: strings(rule.api_groups),
      resources: strings(rule.resources),
      verbs: strings(rule.verbs),
      ...(rule.resource_names ? { resourceNames: ['<name>'] } : {}),
    };
  });
}

describe('infra/terraform', () => {
  it('every .tf file parses as HCL, and the parser does reject broken HCL', () => {
    expect(files.length).toBeGreaterThan(5);
    const broken = files.filter((f) => !parsed.has(relative(ROOT, f)));
    expect(broken, 'syntax errors: run `terraform fmt` on these for the details').toEqual([]);
    expect(parseHcl('resource "x" "y" {\n  a = [1, 2\n}\n')).toBeUndefined();
  });

  it('the IAM policy grants exactly the actions the commands need', () => {
    const [[, policy]] = all('data', 'aws_iam_policy_document').filter(([name]) => name === 'opsbot') as [
      [string, Record<string, unknown>],
    ];
    const statements = statementsOf(policy);
    const actions = statements.flatMap((s) => s.actions).sort();
    expect(actions).toEqual(
      [
        'eks:DescribeCluster',
        'ecr:GetAuthorizationToken',
        'ecr:DescribePullThroughCacheRules',
        'ecr:DescribeImages',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchCheckLayerAvailability',
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:PutImage',
      ].sort(),
    );
    for (const s of statements) {
      expect(
        s.actions.some((a) => a.includes('*')),
        s.sid,
      ).toBe(false);
      // Only registry-level actions, which have no resource-level permissions, may name every resource.
      if (s.resources.includes('*'))
        expect(
          s.actions.every((a) =>
            ['ecr:GetAuthorizationToken', 'ecr:DescribePullThroughCacheRules'].includes(a),
          ),
          s.sid,
        ).toBe(true);
    }
    const describeCluster = statements.find((s) => s.actions.includes('eks:DescribeCluster'))!;
    expect(describeCluster.resources.join(' ')).toMatch(/us_east_2.*us_west_2.*eu_west_2/);
    expect(describeCluster.resources).toHaveLength(3);
    for (const s of statements.filter((x) =>
      x.actions.some(
        (a) =>
          a !== 'ecr:GetAuthorizationToken' &&
          a !== 'ecr:DescribePullThroughCacheRules' &&
          a.startsWith('ecr:'),
      ),
    ))
      expect(s.resources, s.sid).toEqual([interp('local.mirror_repository_arns')]);
  });

  it('only the worker ServiceAccount in the control-plane cluster can assume the role', () => {
    const trust = all('data', 'aws_iam_policy_document').filter(([name]) => name.startsWith('trust_'));
    expect(trust.map(([n]) => n).sort()).toEqual(['trust_irsa', 'trust_pod_identity']);
    const text = JSON.stringify(trust);
    expect(text).toContain('aws:RequestTag/kubernetes-service-account');
    expect(text).toContain('aws:RequestTag/kubernetes-namespace');
    expect(text).toContain('aws:RequestTag/eks-cluster-arn');
    expect(text).toContain(
      `system:serviceaccount:${interp('var.bot_namespace')}:${interp('var.bot_service_account')}`,
    );
  });

  it('maps the role to the Kubernetes group in each cluster, with no EKS access policy', () => {
    const entries = all('resource', 'aws_eks_access_entry');
    expect(entries.map(([name]) => name).sort()).toEqual(['eu_west_2', 'us_east_2', 'us_west_2']);
    for (const [name, body] of entries) {
      expect(strings(body.kubernetes_groups), name).toEqual([interp('var.kubernetes_group')]);
      expect(body.type, name).toBe('STANDARD');
    }
    expect(all('resource', 'aws_eks_access_policy_association')).toEqual([]);
  });

  it('grants the proxy clusters the same RBAC as the Helm chart grants the control plane', () => {
    const main = parsed.get('modules/cluster-rbac/main.tf')!;
    const chart = chartRbac();
    const [[, clusterRole]] = blocks(main, 'resource', 'kubernetes_cluster_role_v1') as [
      [string, Record<string, unknown>],
    ];
    expect(flatten(rulesOf(clusterRole))).toEqual(flatten(chart.cluster));
    const roles = new Map(blocks(main, 'resource', 'kubernetes_role_v1'));
    expect(flatten(rulesOf(roles.get('opsbot')!))).toEqual(flatten(chart.namespaced));
    const withName = (rules: Rule[]) =>
      rules.map((r) => ({ ...r, ...(r.resourceNames ? { resourceNames: ['<name>'] } : {}) }));
    // The chart's Secret roles (the rotation Secret's, one per credential Secret) are Terraform's two.
    expect(
      flatten([...rulesOf(roles.get('rotation_secret')!), ...rulesOf(roles.get('credential_secret')!)]),
    ).toEqual(flatten(withName(chart.rotationSecret)));

    const modules = (parsed.get('rbac.tf')!.module ?? {}) as Record<string, Record<string, unknown>[]>;
    const uses = Object.values(modules).flat();
    expect(uses.map((m) => m.source)).toEqual(['./modules/cluster-rbac', './modules/cluster-rbac']);
    // hcl2json writes keys in sorted order, so look for each proxy's provider on its own.
    const providers = JSON.stringify(uses.map((m) => m.providers));
    expect(providers).toContain('kubernetes.us_west_2');
    expect(providers).toContain('kubernetes.eu_west_2');
  });

  it('justifies every IAM action in docs/DEPLOYING.md', () => {
    const doc = readFileSync('docs/DEPLOYING.md', 'utf8');
    const actions = all('data', 'aws_iam_policy_document').flatMap(([, d]) =>
      statementsOf(d).flatMap((s) => s.actions),
    );
    for (const action of new Set(actions))
      expect(doc.includes(`\`${action}\``), `${action} is not in the table`).toBe(true);
  });
});
