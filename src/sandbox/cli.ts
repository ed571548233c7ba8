import { startLocalRedis } from './start-local-redis.js';
import { startSandbox } from './start-sandbox.js';

// `npm run sandbox`: the simulated ai.coder.com plus the bot, until SIGINT/SIGTERM.
const started = Date.now();
const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const sandbox = await startSandbox({
  redisUrl: process.env.REDIS_URL ?? redis!.url,
  ...(process.env.OPSBOT_ENVIRONMENT ? { environment: process.env.OPSBOT_ENVIRONMENT } : {}),
  slackMode: process.env.SLACK_MODE === 'socket' ? 'socket' : 'http',
  stateDir: process.env.OPSBOT_SANDBOX_DIR ?? '.sandbox',
  logLevel: process.env.LOG_LEVEL ?? 'warn',
});
const s = sandbox.state;
console.log(`opsbot sandbox for ${sandbox.sim.env.name} ready in ${Date.now() - started} ms
  Slack events (bot):  ${s.slack.eventsUrl}
  Slack Web API:       ${s.slack.apiUrl}
  Slack messages:      ${s.slack.messagesUrl}
  kubeconfig:          ${s.kubeconfig}   (contexts: ${sandbox.sim.env.clusters.map((c) => c.id).join(', ')})
  Cloudflare API:      ${s.cloudflare.baseUrl}
  AWS (EKS/STS/ECR):   ${s.aws.endpoint}
  GHCR / ECR:          ${s.registries['ghcr.io']} / ${s.registries.ecr}
  control API:         ${s.controlUrl}   (GET it for the list of routes)
  Redis:               ${redis ? `${redis.url} (started for this sandbox)` : 'REDIS_URL'}
State with credentials: ${process.env.OPSBOT_SANDBOX_DIR ?? '.sandbox'}/state.json. Ctrl-C stops everything.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the sandbox…`);
  await sandbox.close();
  await redis?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
