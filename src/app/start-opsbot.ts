import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { WebClient } from '@slack/web-api';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { RoleResolver } from '../access/role-resolver.js';
import { EksClusterAccess } from '../adapters/aws/eks-cluster-access.js';
import { CloudflareDns } from '../adapters/cloudflare/cloudflare-dns.js';
import { DohResolver } from '../adapters/doh/doh-resolver.js';
import { KubeClusters } from '../adapters/kubernetes/kube-clusters.js';
import { AuditLog } from '../audit/audit-log.js';
import { createDnsKind } from '../changes/dns/create-dns-kind.js';
import { PauseStore } from '../changes/rotation/pause-store.js';
import { createRotationKind } from '../changes/rotation/rotation-kind.js';
import { createScaleKind } from '../changes/scale/scale-kind.js';
import { createDnsCommand } from '../commands/dns-command.js';
import { createCommandRegistry } from '../commands/registry.js';
import type { Config } from '../config/load-config.js';
import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { settleWithin } from '../jobs/settle-within.js';
import { createLogger, type Logger } from '../logging/create-logger.js';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { createChangeKinds } from '../plans/change-kind.js';
import { createFlagKind } from '../plans/kinds/flag-kind.js';
import { accessFromInventory } from '../plans/plan-deps.js';
import { PlanStore } from '../plans/plan-store.js';
import { type Clock, systemClock } from '../ports/clock.js';
import { createProgressPacer } from '../queue/create-progress-reporter.js';
import { createQueue } from '../queue/create-queue.js';
import { createProducerConnection, createWorkerConnection } from '../queue/redis-connections.js';
import { startWorkers, type Workers } from '../queue/start-workers.js';
import { syncJobSchedulers } from '../queue/sync-job-schedulers.js';
import { type RunningBolt, startBoltApp } from '../slack/create-bolt-app.js';
import { SlackChat } from '../slack/slack-chat.js';
import { SlackUsergroups } from '../slack/slack-usergroups.js';
import { createOpsbotJobs } from './create-job-registry.js';
import { healthRoutes } from './health-routes.js';
import { inventorySchedules } from './inventory-schedules.js';
import { reportJobFailure } from './report-job-failure.js';

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
  worker?: { concurrency?: number; lockDuration?: number; stalledInterval?: number };
  host?: string;
  /** Rollout deadline (on `clock`) and poll interval of /scale applies. */
  scale?: { rolloutDeadlineMs?: number; rolloutPollMs?: number };
}

export interface Opsbot {
  /** The HTTP port (Slack events in HTTP mode, health routes in both). */
  port(): number;
  deps: JobDeps;
  logger: Logger;
  metrics: ReturnType<typeof createMetrics>;
  stop(): Promise<void>;
}

/** The one composition root: builds adapters, queue and Slack app for the configured role. */
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
  const prefix = config.redis.prefix;
  const runsWeb = config.role === 'web' || config.role === 'all';
  const runsWorker = config.role === 'worker' || config.role === 'all';
  const runsScheduler = config.role === 'scheduler' || config.role === 'all';

  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 2, connectTimeout: 2000 });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const producer = createProducerConnection(config.redis.url);
  producer.on('error', () => {});
  const slackClient = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  });
  const chat = new SlackChat(slackClient);
  const scrub = createSecretScrubber(config.secrets());
  const defaultEnv = environments.get(config.environment);
  const audit = new AuditLog({
    redis,
    prefix,
    scrub,
    log: logger,
    ...(defaultEnv?.slack.auditChannel ? { mirror: { chat, channel: defaultEnv.slack.auditChannel } } : {}),
  });
  const jobs = createOpsbotJobs();
  const queue = createQueue({ connection: producer, prefix, registry: jobs });
  const metrics = createMetrics(() => queue.jobs.counts());
  const access = new EksClusterAccess({
    clusters: [...environments.values()].flatMap((e) => e.clusters),
    credentials: opts.awsCredentials ?? fromNodeProviderChain(),
    ...(config.aws.endpointUrl ? { endpoint: config.aws.endpointUrl } : {}),
    clock,
  });
  const clusters = new KubeClusters(access);
  const plans = new PlanStore({ redis, prefix });
  const pacer = createProgressPacer();
  const dns = new CloudflareDns({
    apiToken: config.cloudflare.apiToken ?? '',
    ...(config.cloudflare.baseUrl ? { baseUrl: config.cloudflare.baseUrl } : {}),
  });
  const resolver = new DohResolver({ url: config.dohUrl });
  const kinds = createChangeKinds([
    createFlagKind({ redis, prefix }) as never,
    createDnsKind({ dns, resolver, environments }) as never,
    createScaleKind({ environments, clusters, plans, chat, clock, pacer, ...opts.scale }) as never,
    createRotationKind({
      environments,
      clusters,
      plans,
      queue,
      clock,
      pauses: new PauseStore(redis, prefix),
    }) as never,
  ]);
  const deps: JobDeps = {
    redis,
    prefix,
    plans,
    queue,
    chat,
    audit,
    clock,
    kinds,
    access: accessFromInventory(environments),
    pacer,
    environments,
    clusters,
    dns,
    resolver,
  };

  let workers: Workers | undefined;
  let workerConnection: Redis | undefined;
  if (runsWorker) {
    workerConnection = createWorkerConnection(config.redis.url);
    workerConnection.on('error', () => {});
    workers = startWorkers({
      connection: workerConnection,
      prefix,
      registry: jobs,
      deps,
      logger,
      concurrency: opts.worker?.concurrency ?? 8,
      ...(opts.worker?.lockDuration ? { lockDuration: opts.worker.lockDuration } : {}),
      ...(opts.worker?.stalledInterval ? { stalledInterval: opts.worker.stalledInterval } : {}),
      onFailed: (info, failure) => reportJobFailure(chat, info, failure),
      onOutcome: (name, outcome) => metrics.jobs.inc({ name, outcome }),
    });
  }

  if (runsScheduler) {
    const { schedules, skipped } = inventorySchedules(environments, jobs as never);
    for (const reason of skipped) logger.warn({ reason }, 'inventory schedule skipped');
    const ids = await syncJobSchedulers(redis, prefix, schedules).catch((err: unknown) => {
      logger.error({ err }, 'could not register the inventory schedules');
      return [];
    });
    logger.info({ schedules: ids }, 'job schedulers registered');
  }

  let accepting = true;
  let bolt: RunningBolt | undefined;
  if (runsWeb) {
    bolt = await startBoltApp({
      mode: config.slack.mode,
      botToken: config.slack.botToken ?? '',
      ...(config.slack.signingSecret ? { signingSecret: config.slack.signingSecret } : {}),
      ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      port: config.port,
      ...(opts.host ? { host: opts.host } : {}),
      routes: healthRoutes(redis, metrics.registry),
      handlers: {
        // /dns refuses names outside the inventory's zones before anything is queued.
        registry: createCommandRegistry([
          createDnsCommand({
            zones: [...environments.values()].flatMap((e) => e.dns.zones.map((z) => z.name)),
          }),
        ]),
        environments,
        roles: new RoleResolver(new SlackUsergroups(slackClient), clock),
        queue,
        kinds,
        audit,
        metrics,
        logger,
        clock,
      },
      logger: boltLogger(logger),
      accepting: () => accepting,
      onRejected: (r) => {
        metrics.commandsDenied.inc({ reason: r.reason });
        audit
          .append({
            at: clock.now(),
            actor: 'unknown',
            action: 'request.verify',
            outcome: 'denied',
            detail: `${r.reason} from ${r.remoteAddress ?? '?'}`,
          })
          .catch(() => {});
      },
    });
  }
  logger.info(
    { role: config.role, port: bolt?.port(), environments: [...environments.keys()] },
    'opsbot started',
  );

  return {
    port: () => bolt?.port() ?? 0,
    deps,
    logger,
    metrics,
    async stop() {
      // Stop taking commands, let running jobs finish, then close Redis (BullMQ's documented order).
      // With Redis gone, BullMQ's close would wait forever: bound each step, then drop the connections.
      accepting = false;
      await bolt?.stop();
      await settleWithin(workers?.close() ?? Promise.resolve(), 15_000);
      await settleWithin(queue.close(), 3_000);
      access.destroy();
      for (const conn of [workerConnection, producer, redis]) conn?.disconnect();
    },
  };
}

function boltLogger(logger: Logger) {
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => 'info' as never,
    setName: () => {},
  };
}
