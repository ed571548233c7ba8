import type { WebClient } from '@slack/web-api';
import { RoleResolver } from '../access/role-resolver.js';
import { createDnsCommand } from '../commands/dns-command.js';
import { createCommandRegistry } from '../commands/registry.js';
import type { Config } from '../config/load-config.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Logger } from '../logging/create-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { type RunningBolt, startBoltApp } from '../slack/create-bolt-app.js';
import { SlackUsergroups } from '../slack/slack-usergroups.js';
import { boltLogger } from './bolt-logger.js';
import { healthRoutes } from './health-routes.js';

export interface WebRoleOptions {
  config: Config;
  deps: JobDeps;
  slackClient: WebClient;
  metrics: Metrics;
  logger: Logger;
  host?: string;
  accepting: () => boolean;
}

/** The web role: the Bolt app (HTTP or Socket Mode) with health routes; it only parses, authorizes and enqueues. */
export function startWebRole(opts: WebRoleOptions): Promise<RunningBolt> {
  const { config, deps, metrics, logger } = opts;
  const zones = [...deps.environments.values()].flatMap((e) => e.dns.zones.map((z) => z.name));
  return startBoltApp({
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
      roles: new RoleResolver(new SlackUsergroups(opts.slackClient), deps.clock),
      queue: deps.queue,
      kinds: deps.kinds,
      audit: deps.audit,
      metrics,
      logger,
      clock: deps.clock,
    },
    logger: boltLogger(logger),
    accepting: opts.accepting,
    onRejected: (r) => {
      metrics.commandsDenied.inc({ reason: r.reason });
      deps.audit
        .append({
          at: deps.clock.now(),
          actor: 'unknown',
          action: 'request.verify',
          outcome: 'denied',
          detail: `${r.reason} from ${r.remoteAddress ?? '?'}`,
        })
        .catch(() => {});
    },
  });
}
