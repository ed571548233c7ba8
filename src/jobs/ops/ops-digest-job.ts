import { z } from 'zod';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import type { Logger } from '../../queue/logger.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { collectStatus } from './collect-status.js';
import { renderStatus } from './render-status.js';

export const OpsDigestPayload = z.object({
  meta: JobMeta.extend({ channel: z.string() }),
  environment: z.string(),
});

/** Scheduled status digest (inventory `schedules`): `/ops status` posted to the ops channel for everyone. */
export const opsDigestJob = defineJob({
  name: 'ops.digest',
  payload: OpsDigestPayload,
  attempts: 3,
  async process({ meta, environment }, ctx: { deps: JobDeps; log: Logger; signal: AbortSignal }) {
    const report = await collectStatus(environmentOf(ctx.deps, environment), ctx.deps, {
      log: ctx.log,
      signal: ctx.signal,
    });
    // Posted for everyone without anyone asking: the header says why it is there.
    const { text, blocks } = renderStatus(report, [], `Scheduled digest · Status of ${report.env}`);
    await ctx.deps.chat.post({ channel: meta.channel, text, blocks });
  },
});
