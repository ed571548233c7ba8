import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import { type Opsbot, startOpsbot } from '../app/start-opsbot.js';
import { loadConfig } from '../config/load-config.js';
import { probeTlsConnectVariable } from '../config/probe-tls.js';
import { probeUrlVariable } from '../config/probe-urls.js';
import { loadInventory } from '../inventory/load-inventory.js';
import type { Logger } from '../logging/create-logger.js';
import { createControlHandler } from './control-api.js';
import { makeSandboxSecrets, type SandboxSecrets } from './sandbox-secrets.js';
import type { SandboxState } from './sandbox-state.js';
import { OffsetClock } from './shared/clock.js';
import { serve } from './shared/http.js';
import { type BotEndpoint, SlackControl } from './slack-control.js';
import { SlackDriver } from './slack-driver.js';
import { type SimulatedEnvironment, startEnvironment } from './start-environment.js';

export interface SandboxOptions {
  redisUrl: string;
  redisPrefix?: string;
  environment?: string;
  inventoryDir?: string;
  /** Where `state.json` and `kubeconfig` go (default `.sandbox`); null writes nothing. */
  stateDir?: string | null;
  slackMode?: 'http' | 'socket';
  /** Start the bot too (default true): `npm run sandbox` and the demo shell need it, fake-only tests don't. */
  withBot?: boolean;
  rolloutStepMs?: number;
  logger?: Logger;
  logLevel?: string;
  /** Log lines of the bot (stdout by default); tests capture them to check nothing secret leaks. */
  logDestination?: DestinationStream;
  worker?: { concurrency?: number; lockDuration?: number; stalledInterval?: number };
  /** Deadlines of /diagnose checks (tests on a busy machine give them more room). */
  checks?: { deadlineMs?: number; partDeadlineMs?: number };
  /**
   * Alert evaluation interval, overriding the inventory's (shared with production): `npm run sandbox`
   * and the demo pass 15 s so a fault shows within a minute. Default 0: off, since tests drive
   * evaluations themselves and their channels must not get alerts they did not set up.
   */
  alertEverySeconds?: number;
}

export interface Sandbox {
  sim: SimulatedEnvironment;
  /** Acts as Slack users towards the bot (signed HTTP, as Slack sends it). */
  slack: SlackDriver;
  bot: Opsbot | undefined;
  state: SandboxState;
  /** The environment variables that run a bot against this sandbox in production configuration. */
  botEnv: Record<string, string>;
  close(): Promise<void>;
}

/** The whole sandbox: the simulated environment, its control API, the bot wired to it, and state.json. */
export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const { inventoryDir, environments, env } = await loadEnvironment(opts);
  const secrets = makeSandboxSecrets();
  const clock = new OffsetClock();
  const sim = await startEnvironment({
    env,
    others: [...environments.values()].filter((e) => e !== env),
    secrets,
    clock,
    ...(opts.rolloutStepMs !== undefined ? { rolloutStepMs: opts.rolloutStepMs } : {}),
  });
  // The control API acts as Slack towards the bot once it runs (POST /_sandbox/slack/command|action).
  let botEndpoint: BotEndpoint | undefined;
  const control = await serve(
    createControlHandler(sim, { slack: new SlackControl(sim.slack, sim.directory, () => botEndpoint) }),
  );
  const botEnv = sandboxBotEnv(sim, secrets, { ...opts, inventoryDir });
  let bot: Opsbot | undefined;
  try {
    if (opts.withBot !== false)
      bot = await startOpsbot({
        config: loadConfig(botEnv),
        environments,
        clock,
        awsCredentials: async () => secrets.aws,
        host: '127.0.0.1',
        ...(opts.logger ? { logger: opts.logger } : {}),
        ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
        ...(opts.worker ? { worker: opts.worker } : {}),
        ...(opts.checks ? { checks: opts.checks } : {}),
        // Off unless asked for: a test's channel must not get alerts it did not set up.
        alertEverySeconds: opts.alertEverySeconds ?? 0,
      });
  } catch (err) {
    await control.close();
    await sim.close();
    throw err;
  }
  const stateDir = opts.stateDir === undefined ? '.sandbox' : opts.stateDir;
  const kubeconfig = stateDir ? resolve(stateDir, 'kubeconfig') : '';
  const state = sandboxState(sim, secrets, {
    eventsUrl: bot ? `http://127.0.0.1:${bot.port()}/slack/events` : '',
    kubeconfig,
    controlUrl: `${control.url}/_sandbox`,
  });
  if (bot)
    botEndpoint = {
      mode: opts.slackMode ?? 'http',
      eventsUrl: state.slack.eventsUrl,
      signingSecret: secrets.signingSecret,
    };
  if (stateDir) {
    await mkdir(stateDir, { recursive: true });
    await sim.kube.writeKubeconfig(kubeconfig);
    await writeFile(join(stateDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
  const busy = async () => {
    const c = await bot?.deps.queue.jobs.counts();
    // Audit lines still on their way to the audit channel count as work in flight too.
    const mirroring = bot?.deps.audit.mirrorBacklog() ?? 0;
    return (c ? (c.active ?? 0) + (c.waiting ?? 0) + (c.prioritized ?? 0) : 0) + mirroring;
  };
  return {
    sim,
    slack: new SlackDriver(sim.slack, state, busy),
    bot,
    state,
    botEnv,
    async close() {
      await bot?.stop();
      await control.close();
      await sim.close();
    },
  };
}

/** The environment variables that run a bot against this sandbox exactly as in production, endpoints overridden. */
function sandboxBotEnv(
  sim: SimulatedEnvironment,
  secrets: SandboxSecrets,
  opts: SandboxOptions & { inventoryDir: string },
): Record<string, string> {
  const env = sim.env;
  return {
    OPSBOT_ROLE: 'all',
    PORT: '0',
    SLACK_MODE: opts.slackMode ?? 'http',
    SLACK_BOT_TOKEN: secrets.botToken,
    SLACK_SIGNING_SECRET: secrets.signingSecret,
    SLACK_APP_TOKEN: secrets.appToken,
    SLACK_API_URL: sim.slack.apiUrl,
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: opts.redisPrefix ?? 'opsbot-sandbox',
    CLOUDFLARE_API_TOKEN: secrets.cloudflareToken,
    CLOUDFLARE_BASE_URL: sim.cloudflare.baseUrl,
    DOH_URL: sim.cloudflare.dohUrl,
    AWS_REGION: env.clusters[0]!.region,
    AWS_ENDPOINT_URL: sim.aws.endpoint,
    GHCR_URL: sim.ghcr.url,
    ECR_REGISTRY_URL: sim.ecr.url,
    CODER_SESSION_TOKEN: secrets.coderSessionToken,
    LITELLM_API_KEY: secrets.litellmKey,
    INVENTORY_DIR: opts.inventoryDir,
    OPSBOT_ENVIRONMENT: env.name,
    LOG_LEVEL: opts.logLevel ?? 'warn',
    ...Object.fromEntries(Object.entries(sim.coder.urls).map(([id, url]) => [probeUrlVariable(id), url])),
    // The TLS check connects to the sandbox's TLS endpoint (SNI picks the host) and trusts its CA.
    ...Object.fromEntries(env.probes.map((p) => [probeTlsConnectVariable(p.id), sim.tls.address])),
    PROBE_TLS_CA_DATA: Buffer.from(sim.tls.caCert).toString('base64'),
  };
}

/** `.sandbox/state.json` (SANDBOX.md's contract). */
function sandboxState(
  sim: SimulatedEnvironment,
  secrets: SandboxSecrets,
  where: { eventsUrl: string; kubeconfig: string; controlUrl: string },
): SandboxState {
  return {
    slack: {
      eventsUrl: where.eventsUrl,
      signingSecret: secrets.signingSecret,
      teamId: sim.directory.teamId,
      channelId: sim.directory.channelId,
      otherChannelId: sim.directory.otherChannelId,
      users: Object.fromEntries(Object.entries(sim.directory.users).map(([role, u]) => [role, u.id])),
      apiUrl: sim.slack.apiUrl,
      responseUrlBase: sim.slack.responseUrlBase,
      messagesUrl: sim.slack.messagesUrl,
      botToken: secrets.botToken,
    },
    kubeconfig: where.kubeconfig,
    cloudflare: {
      baseUrl: sim.cloudflare.baseUrl,
      apiToken: secrets.cloudflareToken,
      zones: sim.cloudflare.zones,
      dohUrl: sim.cloudflare.dohUrl,
    },
    aws: {
      endpoint: sim.aws.endpoint,
      ...secrets.aws,
      regions: [...new Set(sim.env.clusters.map((c) => c.region))],
    },
    probes: { ...sim.coder.urls },
    registries: { 'ghcr.io': sim.ghcr.url, ecr: sim.ecr.url },
    tls: { address: sim.tls.address, caCert: sim.tls.caCert },
    controlUrl: where.controlUrl,
  };
}

/** The inventory and the environment to simulate (ai.coder.com unless `environment` says otherwise). */
async function loadEnvironment(opts: SandboxOptions) {
  const inventoryDir = resolve(opts.inventoryDir ?? 'infra');
  const environments = await loadInventory(inventoryDir);
  const envName = opts.environment ?? 'ai.coder.com';
  const env = environments.get(envName);
  if (!env)
    throw new Error(
      `no environment "${envName}" in ${inventoryDir} (have: ${[...environments.keys()].join(', ')})`,
    );
  return { inventoryDir, environments, env };
}
