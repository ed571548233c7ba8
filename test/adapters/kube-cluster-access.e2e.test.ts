import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EksClusterAccess } from '../../src/adapters/aws/eks-cluster-access.js';
import { KubeClusters } from '../../src/adapters/kubernetes/kube-clusters.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { ephemeralsFor, startTestSandbox } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

async function ownClusters(timeoutMs: number) {
  const env = (await loadInventory('infra')).get('ai.coder.com')!;
  const access = new EksClusterAccess({
    clusters: env.clusters,
    credentials: async () => ({
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    }),
    endpoint: sandbox.state.aws.endpoint,
    clock: sandbox.sim.clock,
  });
  return { access, clusters: new KubeClusters(access, { timeoutMs }) };
}

describe('cluster access', () => {
  it('mints a fresh EKS token when the cluster rejects the cached one as too old', async () => {
    const { access, clusters } = await ownClusters(5000);
    try {
      const client = clusters.client('us-east-2');
      expect((await client.getDeployment('litellm', 'litellm'))?.desired).toBe(4);
      sandbox.sim.aws.control.setTokenMaxAgeSeconds(60);
      sandbox.sim.clock.advance(2 * 60_000); // the cached token is now 2 min old: past the cluster's limit
      expect((await client.getDeployment('litellm', 'litellm'))?.desired).toBe(4);
      await client.scaleDeployment('coder', 'coder-provisioner-demo', 2);
    } finally {
      sandbox.sim.aws.control.setTokenMaxAgeSeconds(900);
      access.destroy();
    }
  });

  it('puts a deadline on every call, naming the cluster that did not answer', async () => {
    const { access, clusters } = await ownClusters(300);
    sandbox.sim.faults.slow('kube:eu-west-2', 2000);
    try {
      await expect(clusters.client('eu-west-2').getDeployment('coder', 'coder')).rejects.toThrow(
        'Cluster eu-west-2 did not answer within 300 ms while reading deployment coder/coder',
      );
      expect((await clusters.client('us-east-2').getDeployment('coder', 'coder'))?.desired).toBe(2);
    } finally {
      sandbox.sim.faults.slow('kube:eu-west-2', 0);
      access.destroy();
    }
  });

  it('reports one unreachable cluster while the others answer', async () => {
    sandbox.sim.faults.setUnreachable('kube:us-west-2', true);
    try {
      await sandbox.slack.command('viewer', '/ops status');
      await sandbox.slack.command('operator', '/scale proxy:us-west-2 3');
      await sandbox.slack.command('operator', '/scale recommend 10');
      await sandbox.slack.settle();
      const status = ephemeralsFor(sandbox, 'viewer').join('\n');
      expect(status).toContain('*us-west-2* :red_circle: _unreachable_');
      expect(status).toMatch(/`provisioners` \(coder\/coder-provisioner-default\): 6\/6 ready/);
      const said = ephemeralsFor(sandbox, 'operator').join('\n');
      // After "Could not plan that: " the sentence continues in lower case.
      expect(said).toContain('cluster us-west-2 is unreachable');
      expect(said).toContain('Nothing was planned');
      expect(said).toContain('`provisioners`: *8* replicas (now 6)');
    } finally {
      sandbox.sim.faults.setUnreachable('kube:us-west-2', false);
    }
  });
});
