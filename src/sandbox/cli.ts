import { claimStateDir, type StateDirClaim } from './claim-state-dir.js';
import { parseSandboxArgs, SANDBOX_USAGE } from './parse-sandbox-args.js';
import {
  checkRedisUrl,
  findRedisServer,
  type LocalRedis,
  LocalRedisError,
  REDIS_SERVER_MISSING,
  startLocalRedis,
} from './start-local-redis.js';
import type { Sandbox } from './start-sandbox.js';

// `npm run sandbox [-- --nodes 5000 --pods 150000 [--cluster us-east-2]]`: the simulated ai.coder.com
// plus the bot, until SIGINT/SIGTERM; the flags seed one cluster at scale (see the control API's kube/seed).
const started = Date.now();
// Every mistake in the command line is answered before anything starts, with the usage and exit 2.
const parsed = parseSandboxArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(SANDBOX_USAGE);
  process.exit(0);
}
if (parsed.kind === 'usage-error') {
  console.error(`opsbot sandbox: ${parsed.message}\n\n${SANDBOX_USAGE}`);
  process.exit(2);
}
const scale = parsed.scale;
let redis: LocalRedis | undefined;
let sandbox: Sandbox | undefined;
let claim: StateDirClaim | undefined;
let stopping = false;
async function stop(signal: string | undefined, code = 0) {
  if (stopping) return;
  stopping = true;
  if (signal) console.log(`\n${signal}: stopping the sandbox…`);
  await sandbox?.close().catch(() => {});
  await redis?.stop().catch(() => {});
  claim?.release();
  process.exit(code);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGHUP'));

// Said at once, before the SDKs and servers below are even loaded.
const redisProblem = process.env.REDIS_URL
  ? await checkRedisUrl(process.env.REDIS_URL)
  : findRedisServer()
    ? undefined
    : REDIS_SERVER_MISSING;
if (redisProblem) {
  console.error(`opsbot sandbox: ${redisProblem}`);
  process.exit(1);
}
const { startSandbox } = await import('./start-sandbox.js');
const { followClockWithDelayedJobs } = await import('./shift-delayed-jobs.js');
const preferred = process.env.OPSBOT_SANDBOX_DIR ?? '.sandbox';
try {
  // A sandbox or demo already running there keeps its state.json; this one writes <dir>/<pid>/.
  claim = claimStateDir(preferred);
  redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
  sandbox = await startSandbox({
    redisUrl: process.env.REDIS_URL ?? redis!.url,
    // Two sandboxes on one REDIS_URL must not work off each other's queues.
    redisPrefix: `opsbot-sandbox-${process.pid}`,
    ...(process.env.OPSBOT_ENVIRONMENT ? { environment: process.env.OPSBOT_ENVIRONMENT } : {}),
    slackMode: process.env.SLACK_MODE === 'socket' ? 'socket' : 'http',
    stateDir: claim.dir,
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    // Alerts every 15 s here (production: the inventory's interval), so a fault shows within a minute.
    alertEverySeconds: 15,
  });
} catch (err) {
  console.error(
    `opsbot sandbox: ${err instanceof LocalRedisError ? err.message : `could not start: ${(err as Error).message}`}`,
  );
  await stop(undefined, 1);
}
const { bot, sim, state: s } = sandbox!;
if (scale) {
  const cluster = scale.cluster ?? sim.env.clusters.find((c) => c.role === 'control-plane')?.id ?? '';
  try {
    sim.kube.control.seedScale(cluster, { nodes: scale.nodes, pods: scale.pods });
  } catch (err) {
    console.error(`opsbot sandbox: --nodes/--pods: ${(err as Error).message}`);
    await stop(undefined, 1);
  }
  console.log(`seeded ${cluster} with ${scale.nodes} more nodes and ${scale.pods} pods`);
}
// `clock/advance` on the control API also moves the bot's delayed jobs (reverts, reminders).
if (bot) followClockWithDelayedJobs(sim.clock, bot.deps.redis, bot.deps.prefix);
console.log(`opsbot sandbox for ${sim.env.name} ready in ${Date.now() - started} ms
  Slack events (bot):  ${s.slack.eventsUrl}
  Slack Web API:       ${s.slack.apiUrl}
  Slack messages:      ${s.slack.messagesUrl}
  kubeconfig:          ${s.kubeconfig}   (contexts: ${sim.env.clusters.map((c) => c.id).join(', ')})
  Cloudflare API:      ${s.cloudflare.baseUrl}
  AWS (EKS/STS/ECR):   ${s.aws.endpoint}
  GHCR / ECR:          ${s.registries['ghcr.io']} / ${s.registries.ecr}
  control API:         ${s.controlUrl}   (GET it for the list of routes)
  Redis:               ${redis ? `${redis.url} (started for this sandbox)` : 'REDIS_URL'}
State with credentials: ${claim!.dir}/state.json${claim!.ownedBy ? ` (${preferred} belongs to running process ${claim!.ownedBy})` : ''}. Ctrl-C stops everything.`);
