import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InventoryError, loadInventory, parseEnvironment } from '../../src/inventory/load-inventory.js';

const infra = join(import.meta.dirname, '../../infra');

describe('inventory', () => {
  it('loads every environment under infra/environments', async () => {
    const envs = await loadInventory(infra);
    expect([...envs.keys()].sort()).toEqual(['ai.coder.com', 'coderdemo.io']);
    const ai = envs.get('ai.coder.com')!;
    expect(ai.clusters.map((c) => c.id)).toEqual(['us-east-2', 'us-west-2', 'eu-west-2']);
    expect(ai.dns.zones[0]!.records).toHaveLength(6);
    const prov = ai.deployments.find((d) => d.target === 'provisioners')!;
    expect(prov).toMatchObject({ name: 'coder-provisioner-default', replicas: { default: 6 } });
    // Workspace images name the templates that need them; the others default to none.
    expect(ai.images.filter((i) => i.templates.length).map((i) => [i.id, i.templates])).toEqual([
      ['workspace-base', ['kubernetes', 'kubernetes-claude']],
      ['envbuilder', ['kubernetes-devcontainer']],
    ]);
    expect(ai.images.find((i) => i.id === 'coder')!.templates).toEqual([]);
  });

  it('names the file, the path and the problem for a broken file', () => {
    const text = `
name: broken
clusters: [{ id: a, region: nowhere, eksName: x, role: proxy }]
deployments:
  - { target: x, kind: litellm, cluster: b, namespace: ns, name: x, replicas: { default: 9, min: 0, max: 2 }, resources: { cpu: 1, memory: 1Gi }, image: none }
dns: { zones: [] }
images: [{ id: none, source: ghcr.io/x/y, tag: a, templates: ["my template"] }]
thresholds: { nodeStorageMaxPercent: 60, capacityHeadroomMinPercent: 30, credentialsMinValidDays: 7 }
slack: { opsChannels: [C1] }
access: { roles: { admin: {}, operator: {}, viewer: {} } }
`;
    let error: unknown;
    try {
      parseEnvironment('envs/broken.yaml', text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InventoryError);
    const message = (error as Error).message;
    expect(message).toContain('envs/broken.yaml');
    expect(message).toContain('clusters.0.region: must be an AWS region');
    expect(message).toContain('deployments.0.replicas: replicas must satisfy min <= default <= max');
    expect(message).toContain('images.0.templates.0: must be a Coder template name');
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => parseEnvironment('x.yaml', 'name: [unclosed')).toThrow(
      /x\.yaml: invalid inventory\n\s+- YAML:/,
    );
  });
});
