import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildDeps } from '../src/app/build-deps.js';
import { loadConfig } from '../src/config/load-config.js';
import { loadInventory } from '../src/inventory/load-inventory.js';
import { diagnoseJob } from '../src/jobs/diagnose/diagnose-job.js';
import { createLogger } from '../src/logging/create-logger.js';
import { systemClock } from '../src/ports/clock.js';
import type { SandboxState } from '../src/sandbox/sandbox-state.js';

// Child of bench/diagnose.ts: one worker process running `/diagnose all`'s job, exactly as the worker
// runs it (same deps, same adapters), against the sandbox of bench/diagnose-sandbox.ts. Prints one JSON
// line: the job's wall time, the process's peak RSS, and what the job concluded.
const { botEnv, state } = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as {
  botEnv: Record<string, string>;
  state: SandboxState;
};
const deadlineMs = Number(process.env.BENCH_DIAGNOSE_DEADLINE_MS);
const config = loadConfig({
  ...botEnv,
  REDIS_URL: process.env.REDIS_URL as string,
  REDIS_PREFIX: `bench-diag-${process.pid}`,
});
const environments = await loadInventory(config.inventoryDir);
const logger = createLogger({ level: 'silent', secrets: config.secrets() });
const { deps, producer } = buildDeps({
  config,
  environments,
  clock: systemClock,
  logger,
  awsCredentials: async () => ({
    accessKeyId: state.aws.accessKeyId,
    secretAccessKey: state.aws.secretAccessKey,
  }),
  ...(deadlineMs > 0 ? { checks: { deadlineMs, partDeadlineMs: deadlineMs - 1_000 } } : {}),
});
const before = process.memoryUsage();
const rssBefore = before.rss;
const peak = { rss: rssBefore, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
}, 20);
const request = {
  id: 'bench',
  user: state.slack.users.viewer as string,
  channel: state.slack.channelId,
  env: config.environment,
  command: '/diagnose',
  text: 'all',
  role: 'viewer' as const,
  at: Date.now(),
};
const started = performance.now();
const result = (await diagnoseJob.process(
  { meta: { requester: request.user, channel: request.channel }, request, args: { area: 'all' } } as never,
  { deps, log: logger } as never,
)) as { statuses: Record<string, string>; ms: Record<string, number> };
const wallMs = performance.now() - started;
clearInterval(sampler);
console.log(
  JSON.stringify({
    wallMs,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    beforeMB: Object.fromEntries(Object.entries(before).map(([k, v]) => [k, Math.round(v / 2 ** 20)])),
    sampledMB: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v / 2 ** 20)])),
    rssBeforeMB: rssBefore / 2 ** 20,
    statuses: result.statuses,
    checkMs: result.ms,
  }),
);
await deps.redis.quit().catch(() => {});
await producer.quit().catch(() => {});
process.exit(0);
