import { performance } from 'node:perf_hooks';
import { startLocalRedis } from '../src/sandbox/start-local-redis.js';
import { startSandbox } from '../src/sandbox/start-sandbox.js';
import { previewFacts } from '../src/workshop/preview-facts.js';
import { capacityFor } from '../src/workshop/workshop-capacity.js';

// `/workshop prep`'s immediate phase (replicas and headroom, rotation windows, credential expiries), run
// against the sandbox: its wall time beside its slowest single read in the same run. Target ≤ 1.2×.
const RUNS = Number(process.env.BENCH_PREP_RUNS ?? 20);
const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const sandbox = await startSandbox({
  redisUrl: process.env.REDIS_URL ?? redis!.url,
  redisPrefix: `bench-prep-${Date.now()}`,
  stateDir: null,
  logLevel: 'silent',
});
try {
  const deps = sandbox.bot!.deps;
  const env = deps.environments.get('ai.coder.com')!;
  const start = deps.clock.now() + 3 * 86_400_000;
  const input = {
    env,
    capacity: capacityFor(env, 30),
    start,
    end: start + 7_200_000,
    pauseUntil: start + 9_000_000,
  };
  await previewFacts(deps, input); // warm connections and EKS tokens
  const rows: { wall: number; slowest: number; name: string }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const { timings } = await previewFacts(deps, input);
    const wall = performance.now() - t0;
    const [name, slowest] = Object.entries(timings).sort((a, b) => b[1] - a[1])[0]!;
    rows.push({ wall, slowest, name });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = rows.map((r) => r.wall / r.slowest);
  const ratio = median(ratios);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  console.log(`\nWORKSHOP PREP: immediate phase, ${RUNS} runs against the sandbox\n`);
  console.log('figure                              median');
  console.log(
    `wall time of the phase             ${median(rows.map((r) => r.wall))
      .toFixed(1)
      .padStart(7)} ms`,
  );
  console.log(
    `slowest single read                ${median(rows.map((r) => r.slowest))
      .toFixed(1)
      .padStart(7)} ms`,
  );
  console.log(
    `wall / slowest                     ${ratio.toFixed(2).padStart(7)}×  (target ≤ 1.20×: ${ratio <= 1.2 ? 'met' : 'MISSED'})`,
  );
  console.log(`slowest was                        ${[...counts].map(([n, c]) => `${n} ×${c}`).join(', ')}`);
} finally {
  await sandbox.close();
  await redis?.stop();
}
