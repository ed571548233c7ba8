import { startFixture } from './test/sandbox/kube/fixture.js';
const fx = await startFixture();
await fx.sandbox.writeKubeconfig('/tmp/kdev/kubeconfig');
console.log('ready', [...fx.sandbox.clusters.values()].map((c) => `${c.id} ${c.server}`).join('\n'));
process.on('SIGTERM', async () => { await fx.sandbox.close(); process.exit(0); });
setInterval(() => {}, 1 << 30);
