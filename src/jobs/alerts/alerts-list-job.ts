import { z } from 'zod';
import { AlertStore } from '../../alerts/alert-store.js';
import { renderAlertList } from '../../alerts/render-alert-list.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { auditReadDenied } from '../ops/audit-read-denied.js';

export const ALERTS_LIST_JOB = 'alerts.list';

/** `/ops alerts [--env <name>]`: active, acknowledged, snoozed and recently resolved alerts, to the caller. */
export const alertsListJob = defineJob({
  name: ALERTS_LIST_JOB,
  payload: commandJobPayload(z.object({ env: z.string().optional() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const env = environmentOf(deps, args.env ?? request.env);
    if ((await deps.roles.roleOf(env, request.user)) === 'none') {
      await deps.chat.postEphemeral({
        channel: request.channel,
        user: request.user,
        text: `:no_entry: \`/ops alerts --env ${env.name}\` needs the *viewer* role in ${env.name}; you have no opsbot role in ${env.name}. Nothing was shown.`,
      });
      await auditReadDenied(deps, request, ALERTS_LIST_JOB, env.name, `no role in ${env.name}`);
      return { denied: env.name };
    }
    const alerts = await new AlertStore(deps.redis, deps.prefix).all(env.name);
    const { text, blocks } = renderAlertList(env.name, alerts, deps.clock.now());
    await deps.chat.postEphemeral({ channel: request.channel, user: request.user, text, blocks });
    return { alerts: alerts.length };
  },
});
