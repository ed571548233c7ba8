import { z } from 'zod';
import { AlertStore } from '../../alerts/alert-store.js';
import { renderAlertList } from '../../alerts/render-alert-list.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { readableEnvironment } from '../readable-environment.js';

export const ALERTS_LIST_JOB = 'alerts.list';

/** `/ops alerts [--env <name>]`: active, acknowledged, snoozed and recently resolved alerts, to the caller. */
export const alertsListJob = defineJob({
  name: ALERTS_LIST_JOB,
  payload: commandJobPayload(z.object({ env: z.string().optional() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const env = await readableEnvironment(deps, request, args.env, {
      command: '/ops alerts',
      action: ALERTS_LIST_JOB,
    });
    if (!env) return { denied: args.env ?? request.env };
    const alerts = await new AlertStore(deps.redis, deps.prefix).all(env.name);
    const { text, blocks } = renderAlertList(env.name, alerts, deps.clock.now());
    await deps.chat.postEphemeral({ channel: request.channel, user: request.user, text, blocks });
    return { alerts: alerts.length };
  },
});
