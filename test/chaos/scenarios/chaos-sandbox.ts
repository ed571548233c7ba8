import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { type Opsbot, startOpsbot } from '../../../src/app/start-opsbot.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { loadInventory } from '../../../src/inventory/load-inventory.js';
import type { RecordedMessage } from '../../../src/sandbox/slack/recorded-message.js';
import { SlackDriver } from '../../../src/sandbox/slack-driver.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox.js';
import { waitUntil, writeChaosInventory } from './kit.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ChaosBotOptions {
  /** `child` (default): the worker role in its own process, as deployed; `in-process` beside the web role. */
  worker?: 'child' | 'in-process';
  /** BullMQ job lock of the worker (its stalled check runs at half of it). */
  lockMs?: number;
  /** Extra environment of the web role only (e.g. REDIS_URL through a delaying proxy). */
  webEnv?: Record<string, string>;
}

/**
 * The sandbox with the bot split as deployed: the web role in this process (its deps read the queue, the
 * plans and the audit trail for the checks) and the worker role in a child process that can be killed.
 * Own Redis prefix, no state file, fast rollouts, the per-user cap on pending plans lifted.
 */
export interface ChaosBot {
  sandbox: Sandbox;
  web: Opsbot;
  /** Acts as Slack towards the web role. */
  slack: SlackDriver;
  prefix: string;
  /** The bot's last log lines (warn and up) and where the worker process writes its own. */
  logs: string[];
  workerLog: string;
  /** SIGKILLs the worker process (no-op for an in-process worker). */
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Until no job is waiting or running and Slack has been quiet for `quietMs`; false at the timeout. */
  settle(timeoutMs: number, quietMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const LOG_LINES_KEPT = 2_000;

export async function startChaosBot(
  redisUrl: string,
  label: string,
  opts: ChaosBotOptions = {},
): Promise<ChaosBot> {
  const inventory = await writeChaosInventory();
  const dir = await mkdtemp(join(tmpdir(), `opsbot-chaos-${label}-`));
  const logs: string[] = [];
  const destination: DestinationStream = {
    write(line: string) {
      if (process.env.CHAOS_KEEP_LOGS) appendFileSync(join(dir, 'web.log'), line);
      logs.push(line);
      if (logs.length > LOG_LINES_KEPT) logs.splice(0, logs.length - LOG_LINES_KEPT);
    },
  };
  const prefix = `chaos-${label}-${randomBytes(4).toString('hex')}`;
  const sandbox = await startSandbox({
    redisUrl,
    redisPrefix: prefix,
    stateDir: null,
    inventoryDir: inventory.dir,
    rolloutStepMs: 30,
    withBot: false,
  });
  const lockMs = opts.lockMs ?? 30_000;
  const workerLog = join(dir, 'worker.log');
  let child: WorkerProcess | undefined;
  let inProcess: Opsbot | undefined;
  const startWorker = async () => {
    if (opts.worker === 'in-process')
      inProcess = await startRole(sandbox, 'worker', destination, {}, { lockMs });
    else
      child = await startWorkerProcess(sandbox, {
        prefix,
        lockMs,
        logFile: workerLog,
        // Loading the worker through tsx takes seconds of CPU: on a busy 2-core machine, many.
        timeoutMs: 120_000,
      });
  };
  let web: Opsbot | undefined;
  try {
    web = await startRole(sandbox, 'web', destination, opts.webEnv ?? {});
    await startWorker();
  } catch (err) {
    await web?.stop();
    await sandbox.close();
    await inventory.remove();
    throw err;
  }
  const bot = web;
  return {
    sandbox,
    web: bot,
    slack: driverFor(sandbox, bot),
    prefix,
    logs,
    workerLog,
    async killWorker() {
      await child?.kill();
    },
    startWorker,
    async settle(timeoutMs, quietMs = 300) {
      let last = -1;
      let quietSince = Date.now();
      return waitUntil(async () => {
        const count = sandbox.slack.messages().length;
        const c = await bot.deps.queue.jobs.counts().catch(() => ({}) as Record<string, number>);
        const busy = (c.active ?? 0) + (c.waiting ?? 0) + (c.prioritized ?? 0);
        if (count !== last || busy > 0) {
          last = count;
          quietSince = Date.now();
          return false;
        }
        return Date.now() - quietSince >= quietMs;
      }, timeoutMs);
    },
    async close() {
      await child?.stop();
      await inProcess?.stop();
      await bot.stop();
      await sandbox.close();
      await inventory.remove();
      if (process.env.CHAOS_KEEP_LOGS) console.error(`chaos logs kept in ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One bot role in this process against the sandbox, configured from its production environment. */
export async function startRole(
  sandbox: Sandbox,
  role: 'web' | 'worker' | 'all',
  logDestination: DestinationStream,
  env: Record<string, string> = {},
  opts: { lockMs?: number } = {},
): Promise<Opsbot> {
  const botEnv: Record<string, string> = { ...sandbox.botEnv, OPSBOT_ROLE: role, LOG_LEVEL: 'warn', ...env };
  return startOpsbot({
    config: loadConfig(botEnv),
    environments: await loadInventory(botEnv.INVENTORY_DIR!),
    clock: sandbox.sim.clock,
    awsCredentials: async () => ({
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    }),
    host: '127.0.0.1',
    logDestination,
    ...(opts.lockMs
      ? { worker: { lockDuration: opts.lockMs, stalledInterval: Math.max(500, Math.floor(opts.lockMs / 2)) } }
      : {}),
  });
}

/** Acts as Slack towards a bot started with startRole (the sandbox's own driver targets its built-in bot). */
export function driverFor(sandbox: Sandbox, bot: Opsbot): SlackDriver {
  const eventsUrl = `http://127.0.0.1:${bot.port()}/slack/events`;
  return new SlackDriver(sandbox.sim.slack, {
    ...sandbox.state,
    slack: { ...sandbox.state.slack, eventsUrl },
  });
}

/** Reads the recorded Slack messages once per call, from where the last call stopped. */
export class MessageTail {
  private next = 0;
  constructor(private readonly sandbox: Sandbox) {}

  /** Messages recorded since the previous call. */
  fresh(): RecordedMessage[] {
    const all = this.sandbox.slack.messages();
    const out = all.slice(this.next);
    this.next = all.length;
    return out;
  }
}

/** `Plan p-…:` at the start of a plan message (its first post in the ops channel, not an edit). */
export function planIdInPost(m: RecordedMessage, channel: string): string | undefined {
  if (m.via !== 'chat.postMessage' || m.channel !== channel || m.thread_ts) return undefined;
  return /^Plan `?(p-[0-9a-f]+)`?[:\s]/.exec(m.text)?.[1];
}
