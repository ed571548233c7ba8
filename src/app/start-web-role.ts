import { RefusalSummary } from '../audit/refusal-summary.js';
import { createDnsCommand } from '../commands/dns-command.js';
import { createCommandRegistry } from '../commands/registry.js';
import type { Config } from '../config/load-config.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Logger } from '../logging/create-logger.js';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { type RunningBolt, startBoltApp } from '../slack/create-bolt-app.js';
import type { RejectedRequest } from '../slack/signed-http-receiver.js';
import { boltLogger } from './bolt-logger.js';
import { healthRoutes } from './health-routes.js';

export interface WebRoleOptions {
  config: Config;
  deps: JobDeps;
  metrics: Metrics;
  logger: Logger;
  host?: string;
  accepting: () => boolean;
}

/** The web role: the Bolt app (HTTP or Socket Mode) with health routes; it only parses, authorizes and enqueues. */
export async function startWebRole(opts: WebRoleOptions): Promise<RunningBolt> {
  const { config, deps, metrics, logger } = opts;
  const zones = [...deps.environments.values()].flatMap((e) => e.dns.zones.map((z) => z.name));
  const refusals = new RefusalSummary({ audit: deps.audit, clock: deps.clock, log: logger });
  const onRejected = (r: RejectedRequest) => {
    metrics.requestsRefused.inc({ reason: r.reason });
    // Unsigned traffic is free to send: summarised, so it can neither flood nor evict the trail.
    if (!r.authenticated) return refusals.record(r);
    // Signed by Slack yet unusable: rare, and each one worth its own record.
    deps.audit
      .append({
        at: deps.clock.now(),
        actor: 'unknown',
        action: 'request.parse',
        outcome: 'refused',
        detail: `${r.reason}: ${r.detail}`,
      })
      .catch((err: unknown) => logger.warn({ err }, 'audit append failed'));
  };
  const bolt = await startBoltApp({
    mode: config.slack.mode,
    botToken: config.slack.botToken ?? '',
    ...(config.slack.signingSecret ? { signingSecret: config.slack.signingSecret } : {}),
    ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    port: config.port,
    ...(opts.host ? { host: opts.host } : {}),
    routes: healthRoutes(deps.redis, metrics.registry),
    handlers: {
      // /dns refuses names outside the inventory's zones before anything is queued.
      registry: createCommandRegistry([createDnsCommand({ zones })]),
      environments: deps.environments,
      roles: deps.roles,
      queue: deps.queue,
      kinds: deps.kinds,
      audit: deps.audit,
      metrics,
      logger,
      clock: deps.clock,
    },
    logger: boltLogger(logger),
    scrub: createSecretScrubber(config.secrets()),
    accepting: opts.accepting,
    onRejected,
  });
  return {
    ...bolt,
    async stop() {
      await bolt.stop();
      await refusals.close();
    },
  };
}
