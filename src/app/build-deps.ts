import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { WebClient } from '@slack/web-api';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Redis } from 'ioredis';
import { RoleResolver } from '../access/role-resolver.js';
import { EksClusterAccess } from '../adapters/aws/eks-cluster-access.js';
import { CloudflareDns } from '../adapters/cloudflare/cloudflare-dns.js';
import { HttpCoderWorkspaces } from '../adapters/coder/http-coder-workspaces.js';
import { DohResolver } from '../adapters/doh/doh-resolver.js';
import { EcrImages } from '../adapters/ecr/ecr-images.js';
import { HttpHealthProbes } from '../adapters/http-probes/http-health-probes.js';
import { KubeClusters } from '../adapters/kubernetes/kube-clusters.js';
import { OciRegistry } from '../adapters/oci/oci-registry.js';
import { AuditLog } from '../audit/audit-log.js';
import { createDnsKind } from '../changes/dns/create-dns-kind.js';
import { createExtendKind } from '../changes/rotation/extend-kind.js';
import { PauseStore } from '../changes/rotation/pause-store.js';
import { createRotationKind } from '../changes/rotation/rotation-kind.js';
import { createScaleKind } from '../changes/scale/scale-kind.js';
import type { Config } from '../config/load-config.js';
import { createImagesKind } from '../images/create-images-kind.js';
import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Logger } from '../logging/create-logger.js';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import { createChangeKinds } from '../plans/change-kind.js';
import { createFlagKind } from '../plans/kinds/flag-kind.js';
import { accessFromInventory } from '../plans/plan-deps.js';
import { PlanStore } from '../plans/plan-store.js';
import type { Clock } from '../ports/clock.js';
import { createProgressPacer } from '../queue/create-progress-reporter.js';
import { createQueue } from '../queue/create-queue.js';
import { createProducerConnection } from '../queue/redis-connections.js';
import { createAuditMirrorClient } from '../slack/audit-mirror-client.js';
import { SlackChat } from '../slack/slack-chat.js';
import { SlackUsergroups } from '../slack/slack-usergroups.js';
import { boltLogger } from './bolt-logger.js';
import { createOpsbotJobs } from './create-job-registry.js';

export interface BuildDepsOptions {
  config: Config;
  environments: ReadonlyMap<string, Environment>;
  clock: Clock;
  logger: Logger;
  awsCredentials?: AwsCredentialIdentityProvider;
  scale?: { rolloutDeadlineMs?: number; rolloutPollMs?: number };
  checks?: { deadlineMs?: number; partDeadlineMs?: number };
  /** TTL of the per-resource locks an apply holds (default 30 s; renewed while held). */
  resourceLockMs?: number;
}

/** Every adapter and store jobs use, built once: Redis, Slack, Cloudflare, EKS clusters, plans, audit. */
export function buildDeps(opts: BuildDepsOptions) {
  const { config, environments, clock, logger } = opts;
  const prefix = config.redis.prefix;
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 2, connectTimeout: 2000 });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const producer = createProducerConnection(config.redis.url);
  producer.on('error', () => {});
  const slackClient = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    logger: boltLogger(logger),
  });
  // One scrubber for everything the bot says: Slack messages and the audit trail alike.
  const scrub = createSecretScrubber(config.secrets());
  const chat = new SlackChat(slackClient, { scrub, logger, clock });
  const auditChannel = environments.get(config.environment)?.slack.auditChannel;
  // Its own client: the mirror paces itself on 429s instead of stalling the handlers' client.
  const mirrorClient = createAuditMirrorClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    logger: boltLogger(logger),
  });
  const mirrorChat = new SlackChat(mirrorClient, { scrub });
  const audit = new AuditLog({
    redis,
    prefix,
    scrub,
    log: logger,
    ...(auditChannel ? { mirror: { chat: mirrorChat, channel: auditChannel } } : {}),
  });
  const jobs = createOpsbotJobs();
  const queue = createQueue({ connection: producer, prefix, registry: jobs });
  const eks = new EksClusterAccess({
    clusters: [...environments.values()].flatMap((e) => e.clusters),
    credentials: opts.awsCredentials ?? fromNodeProviderChain(),
    ...(config.aws.endpointUrl ? { endpoint: config.aws.endpointUrl } : {}),
    clock,
  });
  const clusters = new KubeClusters(eks);
  const plans = new PlanStore({ redis, prefix });
  const pacer = createProgressPacer();
  const dns = new CloudflareDns({
    apiToken: config.cloudflare.apiToken ?? '',
    ...(config.cloudflare.baseUrl ? { baseUrl: config.cloudflare.baseUrl } : {}),
  });
  const resolver = new DohResolver({ url: config.dohUrl });
  const probes = new HttpHealthProbes({
    urls: config.probeUrls,
    tls: config.probeTls,
    ...(config.coder.sessionToken ? { coderSessionToken: config.coder.sessionToken } : {}),
    ...(config.litellm.apiKey ? { litellmApiKey: config.litellm.apiKey } : {}),
  });
  // The health probes' URLs and token; every environment's probes, to map a proxy to its control plane.
  const workspaces = new HttpCoderWorkspaces({
    urls: config.probeUrls,
    ...(config.coder.sessionToken ? { coderSessionToken: config.coder.sessionToken } : {}),
    probes: [...environments.values()].flatMap((e) => e.probes),
    clock,
  });
  const registry = new OciRegistry({
    ecr: new EcrImages({
      credentials: opts.awsCredentials ?? fromNodeProviderChain(),
      ...(config.aws.endpointUrl ? { endpoint: config.aws.endpointUrl } : {}),
      clock,
    }),
    ...(config.registries.ghcrUrl ? { ghcrUrl: config.registries.ghcrUrl } : {}),
    ...(config.registries.ecrUrl ? { ecrUrl: config.registries.ecrUrl } : {}),
  });
  const kinds = createChangeKinds([
    createFlagKind({ redis, prefix }),
    createDnsKind({ dns, resolver, environments }),
    createScaleKind({ environments, clusters, plans, chat, clock, pacer, ...opts.scale }),
    createRotationKind({
      environments,
      clusters,
      plans,
      queue,
      clock,
      pauses: new PauseStore(redis, prefix),
    }),
    createExtendKind({ environments, plans, queue, clock, pauses: new PauseStore(redis, prefix) }),
    createImagesKind({
      environments,
      registry,
      progress: { plans, chat, clock, pacer },
      restart: {
        clusters,
        ...(opts.scale?.rolloutDeadlineMs !== undefined ? { deadlineMs: opts.scale.rolloutDeadlineMs } : {}),
        ...(opts.scale?.rolloutPollMs !== undefined ? { pollMs: opts.scale.rolloutPollMs } : {}),
      },
    }),
  ] as Parameters<typeof createChangeKinds>[0]);
  const deps: JobDeps = {
    ...{
      redis,
      prefix,
      plans,
      queue,
      chat,
      audit,
      clock,
      kinds,
      pacer,
      environments,
      clusters,
      dns,
      resolver,
      probes,
      workspaces,
      registry,
    },
    ...(opts.checks ? { checks: opts.checks } : {}),
    ...(opts.resourceLockMs ? { lockTtlMs: opts.resourceLockMs } : {}),
    roles: new RoleResolver(new SlackUsergroups(slackClient), clock),
    access: accessFromInventory(environments),
  };
  return { deps, jobs, slackClient, producer, eks };
}
export type BuiltDeps = ReturnType<typeof buildDeps>;
