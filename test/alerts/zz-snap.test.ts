import { it } from 'vitest';
import { startE2E } from '../support/start-e2e.js';
it('snap', async () => {
  const { sandbox } = await startE2E({ withBot: false });
  for (const c of ['us-east-2', 'us-west-2', 'eu-west-2']) {
    const s = sandbox.sim.kube.control.snapshot(c);
    console.log(c, JSON.stringify(s.deployments.map((d) => `${d.namespace}/${d.name}`)), JSON.stringify(s.nodes.map((n) => [n.name, n.pool, n.storageUsedPercent])));
  }
  console.log(JSON.stringify(Object.fromEntries(Object.entries(sandbox.sim.images).map(([k, v]) => [k, (v as {ref: string}).ref]))));
  await sandbox.close();
});
