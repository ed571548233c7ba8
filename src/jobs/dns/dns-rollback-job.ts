import { z } from 'zod';
import { DNS_KIND, DnsChange, DnsLive } from '../../changes/dns/dns-change.js';
import { COMMAND_JOBS } from '../../commands/command-jobs.js';
import { UserError } from '../../errors/user-error.js';
import { changeKindOf } from '../../plans/change-kind.js';
import { PLAN_REQUEST_JOB } from '../../plans/plan-job-names.js';
import { planThread } from '../../plans/post-plan-message.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';

/**
 * `/dns rollback <plan-id>`: plans restoring the records an applied DNS plan touched to their values
 * before it, in that plan's thread. A normal plan (two-person rule), unless `--incident`.
 */
export const dnsRollbackJob = defineJob({
  name: COMMAND_JOBS.dnsRollback,
  payload: commandJobPayload(
    z.object({ planId: z.string(), incident: z.boolean(), reason: z.string().optional() }),
  ),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps; jobId: string }) {
    const plan = await ctx.deps.plans.get(args.planId);
    if (!plan) throw new UserError(`There is no plan ${args.planId} (plans are kept for 7 days).`);
    if (plan.kind !== DNS_KIND) throw new UserError(`Plan ${plan.id} is not a DNS change (${plan.summary}).`);
    if (plan.environment !== request.env)
      throw new UserError(`Plan ${plan.id} belongs to ${plan.environment}; roll it back from that channel.`);
    if (plan.status !== 'applied')
      throw new UserError(`Plan ${plan.id} is ${plan.status}; only an applied change can be rolled back.`);
    if (plan.revertedBy)
      throw new UserError(`Plan ${plan.id} was already rolled back by plan ${plan.revertedBy}.`);
    const kind = changeKindOf(ctx.deps.kinds, DNS_KIND);
    const change = DnsChange.parse(plan.change);
    const before = DnsLive.parse(plan.before);
    const inverse = DnsChange.parse(kind.invert(change, before, { role: request.role }));
    const thread = planThread(plan);
    await ctx.deps.queue.enqueue(
      PLAN_REQUEST_JOB,
      {
        kind: DNS_KIND,
        change: {
          ...inverse,
          rollbackOf: plan.id,
          ...(args.incident ? { incident: true } : {}),
          ...(args.reason ? { reason: args.reason } : {}),
        },
        environment: plan.environment,
        revertOf: plan.id,
        expectBefore: kind.afterOf(change, before),
        meta: {
          requester: request.user,
          channel: plan.channel,
          environment: plan.environment,
          ...(thread ? { threadTs: thread } : {}),
        },
      },
      { jobId: `${ctx.jobId}-plan` },
    );
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text: `:leftwards_arrow_with_hook: Planning the rollback of \`${plan.id}\` in its thread.`,
    });
    return { rollbackOf: plan.id };
  },
});
