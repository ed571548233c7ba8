import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ChartValues, chartValuesJsonSchema } from '../../scripts/chart-values-schema.js';
import { loadEnvironmentFile } from '../../src/inventory/load-inventory.js';
import { hasPath, leafPaths, mergeValues } from './template-skeleton.js';

const CHART = 'helm/opsbot';
const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as unknown;
const examples = readdirSync(join(CHART, 'examples')).filter((f) => f.endsWith('.yaml'));

function problems(value: unknown): string[] {
  const result = ChartValues.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('Helm chart values', () => {
  it('values.schema.json is exactly what scripts/chart-values-schema.ts generates', () => {
    const committed = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as unknown;
    expect(committed, 'regenerate: npx tsx scripts/generate-chart-schema.ts').toEqual(
      chartValuesJsonSchema(),
    );
  });

  it('values.yaml satisfies the schema', () => {
    expect(problems(defaults)).toEqual([]);
  });

  it.each(examples)('examples/%s, merged over values.yaml as Helm does, satisfies the schema', (file) => {
    const example = parse(readFileSync(join(CHART, 'examples', file), 'utf8')) as unknown;
    expect(problems(mergeValues(defaults, example))).toEqual([]);
  });

  it('the schema rejects what would break or leak: unknown keys, bad modes, a password in a plain URL', () => {
    const bad = (over: unknown) => problems(mergeValues(defaults, over));
    expect(bad({ replicaCount: 2 })).not.toEqual([]);
    expect(bad({ slack: { mode: 'websocket' } })).not.toEqual([]);
    expect(bad({ redis: { external: { url: 'redis://:hunter2@redis:6379' } } })).not.toEqual([]);
    expect(bad({ web: { replicaCount: -1 } })).not.toEqual([]);
    expect(bad({ inventory: { environments: { 'ai.coder.com.json': '{}' } } })).not.toEqual([]);
    expect(bad({ redis: { external: { url: 'rediss://cache.internal:6379' } } })).toEqual([]);
  });

  it('the README documents every value', () => {
    // Rows of the values table; a row for a Kubernetes object (`web.resources`) covers its fields.
    const readme = readFileSync(join(CHART, 'README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([\w.]+)` \|/gm)].map((m) => m[1]!));
    const covered = (p: string) =>
      p.split('.').some((_, i, parts) => documented.has(parts.slice(0, i + 1).join('.')));
    expect(leafPaths(defaults).filter((p) => !covered(p))).toEqual([]);
    for (const key of documented) expect(hasPath(defaults, key), `README documents ${key}`).toBe(true);
  });

  it('RBAC defaults match the inventory: namespaces of the control-plane cluster, the rotation and credential Secrets', async () => {
    const env = await loadEnvironmentFile('infra/environments/ai.coder.com.yaml');
    const values = ChartValues.parse(defaults);
    const home = env.clusters.find((c) => c.role === 'control-plane')!;
    const namespaces = [
      ...new Set(env.deployments.filter((d) => d.cluster === home.id).map((d) => d.namespace)),
    ];
    expect([...values.rbac.namespaces].sort()).toEqual(namespaces.sort());
    expect(values.rbac.rotationSecret).toEqual(env.rotation?.secret);
    expect(values.rbac.credentialSecrets).toEqual(
      env.credentials
        .filter((c) => c.cluster === home.id)
        .map((c) => ({ namespace: c.namespace, name: c.name })),
    );
    expect(values.environment).toBe(env.name);
  });

  it('Chart.yaml is a v2 chart whose appVersion is the package version (the image tag)', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('opsbot');
    expect(chart.appVersion).toBe(pkg.version);
  });
});
