import { z } from 'zod';
import { readFlag } from '../../plans/kinds/flag-kind.js';
import { defineJob } from '../../queue/define-job.js';
import type { Logger } from '../../queue/logger.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { readableEnvironment } from '../readable-environment.js';
import { scheduledLines } from '../rotation/scheduled-lines.js';
import { collectStatus } from './collect-status.js';
import { renderStatus } from './render-status.js';

/** `/ops status`: live state of every inventory deployment, image and DNS record, answered to the caller. */
export const opsStatusJob = defineJob({
  name: 'ops.status',
  payload: commandJobPayload(z.object({ env: z.string().optional() })),
  attempts: 1,
  async process({ request, args }, ctx: { deps: JobDeps; log: Logger; signal: AbortSignal }) {
    const env = await readableEnvironment(ctx.deps, request, args.env, {
      command: '/ops status',
      action: 'ops.status',
    });
    if (!env) return { denied: args.env ?? request.env };
    const [report, scheduled, notice] = await Promise.all([
      collectStatus(env, ctx.deps, { log: ctx.log, signal: ctx.signal }),
      scheduledLines(ctx.deps, env.name),
      // The ops notice (`/ops notice`), as its help promises: a change freeze is seen where people look.
      readFlag(ctx.deps.redis, ctx.deps.prefix, 'notice'),
    ]);
    const { text, blocks } = renderStatus(report, scheduled, undefined, notice ?? undefined);
    await ctx.deps.chat.postEphemeral({ channel: request.channel, user: request.user, text, blocks });
    return { unreachable: report.unreachableClusters };
  },
});
