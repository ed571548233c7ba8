import { z } from 'zod';
import { defineJob } from '../../queue/define-job.js';
import type { Logger } from '../../queue/logger.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { scheduledLines } from '../rotation/scheduled-lines.js';
import { auditReadDenied } from './audit-read-denied.js';
import { collectStatus } from './collect-status.js';
import { renderStatus } from './render-status.js';

/** `/ops status`: live state of every inventory deployment and DNS record, answered to the caller. */
export const opsStatusJob = defineJob({
  name: 'ops.status',
  payload: commandJobPayload(z.object({ env: z.string().optional() })),
  attempts: 1,
  async process({ request, args }, ctx: { deps: JobDeps; log: Logger }) {
    const env = environmentOf(ctx.deps, args.env ?? request.env);
    // The handler checked the role where the command was typed; `--env` may name another environment.
    if ((await ctx.deps.roles.roleOf(env, request.user)) === 'none') {
      await ctx.deps.chat.postEphemeral({
        channel: request.channel,
        user: request.user,
        text: `:no_entry: \`/ops status --env ${env.name}\` needs the *viewer* role in ${env.name}; you have no opsbot role in ${env.name}. Nothing was shown.`,
      });
      await auditReadDenied(ctx.deps, request, 'ops.status', env.name, `no role in ${env.name}`);
      return { denied: env.name };
    }
    const [report, scheduled] = await Promise.all([
      collectStatus(env, ctx.deps, { log: ctx.log }),
      scheduledLines(ctx.deps, env.name),
    ]);
    const { text, blocks } = renderStatus(report, scheduled);
    await ctx.deps.chat.postEphemeral({ channel: request.channel, user: request.user, text, blocks });
    return { unreachable: report.unreachableClusters };
  },
});
