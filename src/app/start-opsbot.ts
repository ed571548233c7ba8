import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import type { Config } from '../config/load-config.js';
import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { settleWithin } from '../jobs/settle-within.js';
import { createLogger, type Logger } from '../logging/create-logger.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { type Clock, systemClock } from '../ports/clock.js';
import { createWorkerConnection } from '../queue/redis-connections.js';
import { startWorkers, type Workers } from '../queue/start-workers.js';
import { syncJobSchedulers } from '../queue/sync-job-schedulers.js';
import type { RunningBolt } from '../slack/create-bolt-app.js';
import { buildDeps } from './build-deps.js';
import { healthRoutes } from './health-routes.js';
import { inventorySchedules } from './inventory-schedules.js';
import { reportJobFailure } from './report-job-failure.js';
import { startHealthServer } from './start-health-server.js';
import { startWebRole } from './start-web-role.js';

export interface OpsbotOptions {
  config: Config;
  environments: ReadonlyMap<string, Environment>;
  logger?: Logger;
  /** Where log lines go when no logger is given (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
  clock?: Clock;
  /** Defaults to the AWS default provider chain (IRSA / Pod Identity in production). */
  awsCredentials?: AwsCredentialIdentityProvider;
  /** BullMQ lock/stalled timings; tests shorten them. */
  /**
   * `resourceLockMs`: TTL of the resource locks applies hold (default 30 s): how long a SIGKILLed run's
   * lock blocks the retry. The chaos runs shorten it with BullMQ's job lock.
   */
  worker?: { concurrency?: number; lockDuration?: number; stalledInterval?: number; resourceLockMs?: number };
  host?: string;
  /** Rollout deadline (on `clock`) and poll interval of /scale applies. */
  scale?: { rolloutDeadlineMs?: number; rolloutPollMs?: number };
  /** Deadlines of the check engine (defaults 9 s per check, 7 s per cluster or endpoint). */
  checks?: { deadlineMs?: number; partDeadlineMs?: number };
  /** Overrides the inventory's `alerts.everySeconds` (the sandbox's demo: 15 s). */
  alertEverySeconds?: number;
}

export interface Opsbot {
  /** The HTTP port: Slack events (web role in HTTP mode) and the health routes (every role). */
  port(): number;
  deps: JobDeps;
  logger: Logger;
  metrics: ReturnType<typeof createMetrics>;
  stop(): Promise<void>;
}

/** The one composition root: builds the dependencies once, then starts the parts the role asks for. */
export async function startOpsbot(opts: OpsbotOptions): Promise<Opsbot> {
  const { config, environments } = opts;
  const clock = opts.clock ?? systemClock;
  const logger =
    opts.logger ??
    createLogger({
      level: config.logLevel,
      secrets: config.secrets(),
      ...(opts.logDestination ? { destination: opts.logDestination } : {}),
    });
  const role = config.role;
  const built = buildDeps({
    config,
    environments,
    clock,
    logger,
    ...pick(opts, 'awsCredentials', 'scale', 'checks'),
    ...(opts.worker?.resourceLockMs ? { resourceLockMs: opts.worker.resourceLockMs } : {}),
  });
  const { deps, jobs } = built;
  const metrics = createMetrics(() => deps.queue.jobs.counts());

  let workers: Workers | undefined;
  let workerConnection: Redis | undefined;
  if (role === 'worker' || role === 'all') {
    workerConnection = createWorkerConnection(config.redis.url);
    workerConnection.on('error', () => {});
    workers = startWorkers({
      connection: workerConnection,
      prefix: deps.prefix,
      registry: jobs,
      deps,
      logger,
      concurrency: opts.worker?.concurrency ?? 8,
      ...pick(opts.worker ?? {}, 'lockDuration', 'stalledInterval'),
      onFailed: (info, failure) => reportJobFailure(deps.chat, info, failure),
      onOutcome: (name, outcome) => metrics.jobs.inc({ name, outcome }),
    });
  }
  if (role === 'scheduler' || role === 'all')
    await registerSchedules(deps, jobs, logger, opts.alertEverySeconds);
  let accepting = true;
  let bolt: RunningBolt | undefined;
  if (role === 'web' || role === 'all')
    bolt = await startWebRole({
      config,
      deps,
      metrics,
      logger,
      accepting: () => accepting,
      ...pick(opts, 'host'),
    });
  const health = bolt
    ? undefined
    : await startHealthServer(healthRoutes(deps.redis, metrics.registry), config.port, opts.host);
  const port = () => bolt?.port() ?? health?.port() ?? 0;
  logger.info({ role, port: port(), environments: [...environments.keys()] }, 'opsbot started');

  return {
    port,
    deps,
    logger,
    metrics,
    async stop() {
      // Stop taking commands, let running jobs finish, then close Redis (BullMQ's documented order).
      // With Redis gone, BullMQ's close would wait forever: bound each step, then drop the connections.
      accepting = false;
      await bolt?.stop();
      await health?.stop();
      await settleWithin(workers?.close() ?? Promise.resolve(), 15_000);
      await settleWithin(deps.queue.close(), 3_000);
      // Audit lines still queued for the channel get a few seconds; the entries are in Redis regardless.
      await deps.audit.close(3_000);
      built.eks.destroy();
      for (const conn of [workerConnection, built.producer, deps.redis]) conn?.disconnect();
    },
  };
}

/** The scheduler role: the inventory's `schedules` as BullMQ job schedulers. */
async function registerSchedules(
  deps: JobDeps,
  jobs: Parameters<typeof inventorySchedules>[1],
  logger: Logger,
  alertEverySeconds?: number,
) {
  const { schedules, skipped } = inventorySchedules(
    deps.environments,
    jobs,
    alertEverySeconds !== undefined ? { alertEverySeconds } : {},
  );
  for (const reason of skipped) logger.warn({ reason }, 'inventory schedule skipped');
  try {
    const ids = await syncJobSchedulers(deps.redis, deps.prefix, schedules);
    logger.info({ schedules: ids }, 'job schedulers registered');
  } catch (err) {
    logger.error({ err }, 'could not register the inventory schedules');
  }
}

/** The defined entries of `obj` among `keys` (exactOptionalPropertyTypes-friendly spreading). */
function pick<T extends object, K extends keyof T>(obj: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
