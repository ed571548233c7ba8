import { readFileSync } from 'node:fs';
import { buildDeps } from './src/app/build-deps.js';
import { loadConfig } from './src/config/load-config.js';
import { loadInventory } from './src/inventory/load-inventory.js';
import { createLogger } from './src/logging/create-logger.js';
import { systemClock } from './src/ports/clock.js';
const { botEnv, state } = JSON.parse(readFileSync('/tmp/scratch/sb2/ready.json', 'utf8'));
const config = loadConfig({ ...botEnv, REDIS_URL: 'redis://127.0.0.1:6399', REDIS_PREFIX: 'scratch' });
const environments = await loadInventory(config.inventoryDir);
const logger = createLogger({ level: 'silent', secrets: [] });
const { deps, producer } = buildDeps({ config, environments, clock: systemClock, logger, awsCredentials: async () => state.aws });
const client = deps.clusters.client('us-east-2');
const what = process.argv[2];
const cpu0 = process.cpuUsage(); const t0 = performance.now(); const rss0 = process.memoryUsage().rss;
if (what === 'pods') {
  const n = await client.foldPods({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, () => 0, (a, p) => a + p.length);
  console.log('pods', n);
} else if (what === 'failed') {
  const n = await client.foldPods({ fieldSelector: 'status.phase=Failed' }, () => 0, (a, p) => a + p.length);
  console.log('failed', n);
} else if (what === 'stats') {
  const nodes = await client.listNodes();
  console.log('nodes', nodes.length, Math.round(performance.now() - t0));
  let i = 0;
  const worker = async () => { while (i < nodes.length) { const n = nodes[i++]!; await client.nodeStorage(n.name); } };
  await Promise.all(Array.from({ length: Number(process.argv[3] ?? 8) }, worker));
}
const cpu = process.cpuUsage(cpu0);
console.log(what, 'wall ms', Math.round(performance.now() - t0), 'cpu ms', Math.round((cpu.user + cpu.system) / 1000), 'rss MB', Math.round(rss0/2**20), '->', Math.round(process.resourceUsage().maxRSS / 1024));
process.exit(0);
