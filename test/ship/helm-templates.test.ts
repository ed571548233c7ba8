import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { EnvSchema, SECRET_VARIABLES } from '../../src/config/env-schema.js';
import { INVENTORY_CREDENTIALS, missingRequirements } from '../../src/config/role-requirements.js';
import { chartRbac, grants } from './chart-rbac.js';
import { findKubeCalls, KUBE_METHOD_PERMISSIONS } from './kube-permissions.js';
import { roleSecretEnv } from './role-secret-env.js';
import { defines, hasPath, includedNames, openBlocks, skeleton, valuesPaths } from './template-skeleton.js';

const DIR = 'helm/opsbot/templates';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') || f.endsWith('.tpl'));
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const all = files.map((f) => [f, text(f)] as const);
const values = parse(readFileSync('helm/opsbot/values.yaml', 'utf8')) as unknown;

describe('Helm chart templates (structure, without Helm)', () => {
  it.each(files)('%s: template blocks balance', (f) => {
    expect(openBlocks(text(f))).toBe(0);
  });

  it.each(files.filter((f) => f.endsWith('.yaml')))(
    '%s: what is left without the actions is valid YAML',
    (f) => {
      for (const doc of parseAllDocuments(skeleton(text(f)))) {
        expect(doc.errors.map((e) => e.message)).toEqual([]);
        const obj = doc.toJS() as Record<string, unknown> | null;
        if (obj === null) continue;
        expect(obj.apiVersion, `${f}: apiVersion`).toEqual(expect.any(String));
        expect(obj.kind, `${f}: kind`).toEqual(expect.any(String));
      }
    },
  );

  it('every named template body is valid YAML once its actions are out', () => {
    for (const [f, t] of all)
      for (const [name, body] of defines(t)) {
        const errors = parseAllDocuments(skeleton(body)).flatMap((d) => d.errors.map((e) => e.message));
        expect(errors, `${f}: ${name}`).toEqual([]);
      }
  });

  it('every include names a defined template, and every .Values path exists in values.yaml', () => {
    const defined = new Set(all.flatMap(([, t]) => [...defines(t).keys()]));
    for (const [f, t] of all) {
      for (const name of includedNames(t)) expect(defined, `${f} includes ${name}`).toContain(name);
      for (const path of valuesPaths(t)) expect(hasPath(values, path), `${f}: .Values.${path}`).toBe(true);
    }
    const notes = readFileSync(join(DIR, 'NOTES.txt'), 'utf8');
    for (const path of valuesPaths(notes))
      expect(hasPath(values, path), `NOTES.txt: .Values.${path}`).toBe(true);
  });

  it('never writes a Secret, and every credential reaches the pods through secretKeyRef only', () => {
    for (const [f, t] of all) expect(t, f).not.toMatch(/^kind:\s*Secret\s*$/m);
    const env = text('_env.tpl');
    for (const name of SECRET_VARIABLES) {
      // AWS credentials come from the pod's identity (IRSA / Pod Identity): the chart passes no AWS key at all.
      if (name.startsWith('AWS_')) {
        expect(env).not.toContain(name);
        continue;
      }
      expect(env).toContain(`"name" "${name}"`);
      expect(env).not.toMatch(new RegExp(`name: ${name}\\s*\\n\\s*value:`));
    }
  });

  it.each([
    ['web', 'http'],
    ['web', 'socket'],
    ['worker', 'http'],
    ['scheduler', 'http'],
  ] as const)('%s (%s mode) gets exactly the credentials its role requires', (role, mode) => {
    const env = EnvSchema.parse({ OPSBOT_ROLE: role, SLACK_MODE: mode });
    const required = missingRequirements(env)
      .map((p) => p.variable)
      .filter((v) => v !== 'REDIS_URL');
    // The worker also gets the service credentials the inventory may need, as optional keys.
    const byInventory = role === 'worker' ? INVENTORY_CREDENTIALS.map((c) => c.variable) : [];
    expect(roleSecretEnv(text('_env.tpl'), role, mode).sort()).toEqual([...required, ...byInventory].sort());
    expect(text('_env.tpl')).toContain('include "opsbot.redisEnv" $root');
  });

  it('hands the inventory-dependent credentials as optional Secret keys, the rest as required ones', () => {
    const env = text('_env.tpl');
    for (const { variable } of INVENTORY_CREDENTIALS)
      expect(env).toMatch(new RegExp(`"name" "${variable}" [^}]*"optional" true`));
    for (const variable of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'])
      expect(env).not.toMatch(new RegExp(`"name" "${variable}" [^}]*"optional"`));
    expect(text('_helpers.tpl')).toMatch(/\{\{- if \.optional \}\}\s*\n\s*optional: true/);
  });

  it('pods run locked down: no ServiceAccount token, non-root, read-only root, no escalation', () => {
    expect(text('_deployment.tpl')).toContain('automountServiceAccountToken: false');
    const v = values as {
      podSecurityContext: Record<string, unknown>;
      securityContext: { capabilities: { drop: string[] } } & Record<string, unknown>;
    };
    expect(v.podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(v.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(v.securityContext.capabilities.drop).toEqual(['ALL']);
    expect(text('redis.yaml')).toContain('readOnlyRootFilesystem: true');
  });

  it('the bundled Redis runs with AOF and noeviction, as BullMQ requires', () => {
    const conf = text('redis.yaml');
    expect(conf).toMatch(/^\s*maxmemory-policy noeviction$/m);
    expect(conf).toMatch(/^\s*appendonly yes$/m);
    expect(conf).toMatch(/^\s*appendfsync everysec$/m);
  });

  it('the ingress publishes /slack/events and nothing else', () => {
    const ingress = parse(skeleton(text('ingress.yaml'))) as {
      spec: { rules: { http: { paths: { path: string; pathType: string }[] } }[] };
    };
    expect(ingress.spec.rules.flatMap((r) => r.http.paths)).toEqual([
      expect.objectContaining({ path: '/slack/events', pathType: 'Exact' }),
    ]);
  });
});

describe('Helm chart RBAC (least privilege)', () => {
  const rbac = chartRbac();
  const everyRule = [...rbac.cluster, ...rbac.namespaced, ...rbac.rotationSecret];

  it('grants every Kubernetes call the code makes', () => {
    const calls = findKubeCalls('src');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const needed = KUBE_METHOD_PERMISSIONS[call.method];
      expect(
        needed,
        `${call.method} (${call.file}:${call.line}) has no entry in test/ship/kube-permissions.ts`,
      ).toBeDefined();
      for (const p of needed ?? []) {
        const where =
          p.scope === 'cluster'
            ? rbac.cluster
            : [...rbac.cluster, ...rbac.namespaced, ...rbac.rotationSecret];
        expect(grants(where, p), `${call.method} needs ${p.group}/${p.resource} ${p.verb} (${p.scope})`).toBe(
          true,
        );
      }
    }
  });

  it('has no wildcards, writes only replicas and deployments, and reads one named Secret', () => {
    for (const r of everyRule) {
      expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
      const writes = r.verbs.filter((v) =>
        ['create', 'update', 'patch', 'delete', 'deletecollection'].includes(v),
      );
      if (writes.length > 0)
        expect(r.resources.every((res) => ['deployments', 'deployments/scale'].includes(res))).toBe(true);
      if (r.resources.includes('secrets')) {
        expect(r.resourceNames).toHaveLength(1);
        expect(r.verbs).toEqual(['get']);
      }
    }
    expect(rbac.cluster.some((r) => r.resources.includes('secrets'))).toBe(false);
    expect(rbac.namespaced.some((r) => r.resources.includes('secrets'))).toBe(false);
  });

  it('README agrees with the chart: it names only granted resources, and leaves the rules to DEPLOYING.md', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('#### Kubernetes RBAC'),
      readme.indexOf('### Timeouts and unreachable'),
    );
    expect(section).toContain('docs/DEPLOYING.md#kubernetes-rbac-group-opsbot-every-cluster');
    expect(section).not.toMatch(/kind: (Cluster)?Role/);
    const granted = new Set(everyRule.flatMap((r) => r.resources));
    for (const [, resource] of section.matchAll(/`([a-z/]+)`/g))
      if (/^[a-z]+(\/[a-z]+)?$/.test(resource!) && !resource!.includes('opsbot') && resource!.endsWith('s'))
        expect(granted, `README names ${resource}`).toContain(resource);
  });

  it('justifies every grant in docs/DEPLOYING.md', () => {
    const doc = readFileSync('docs/DEPLOYING.md', 'utf8');
    for (const r of everyRule)
      for (const res of r.resources)
        expect(doc.includes(`\`${res}\``), `${res} is not in the table`).toBe(true);
  });
});
