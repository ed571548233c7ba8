import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../src/sandbox/start-sandbox.js';

// Child of bench/diagnose.ts: the simulated environment (no bot) with one cluster seeded at scale, in a
// process of its own so the job's memory is measured apart from the sandbox's. Writes `ready.json` (the
// bot's environment and state.json) into the directory it is given, then runs until SIGTERM.
const [dir, nodes, pods, cluster] = process.argv.slice(2) as [string, string, string, string];
const sandbox = await startSandbox({
  redisUrl: 'redis://127.0.0.1:1', // no bot here: nothing connects to it
  withBot: false,
  stateDir: dir,
  logLevel: 'silent',
});
const started = performance.now();
sandbox.sim.kube.control.seedScale(cluster, { nodes: Number(nodes), pods: Number(pods) });
const seedMs = Math.round(performance.now() - started);
writeFileSync(
  join(dir, 'ready.json'),
  JSON.stringify({
    botEnv: sandbox.botEnv,
    state: sandbox.state,
    seedMs,
    rssMB: process.memoryUsage().rss / 2 ** 20,
  }),
  { mode: 0o600 },
);
const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
setInterval(() => {}, 60_000);
