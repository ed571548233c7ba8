import { z } from 'zod';
import { Role } from '../inventory/schema.js';
import { approvePlan } from '../plans/approve-plan.js';
import { cancelPlan } from '../plans/cancel-plan.js';
import { requestUndo } from '../plans/request-undo.js';
import { defineJob } from '../queue/define-job.js';
import { JobMeta } from '../queue/job-meta.js';
import type { JobDeps } from './job-deps.js';

export const PlanDecidePayload = z.object({
  planId: z.string().regex(/^[\w-]{1,80}$/),
  decision: z.enum(['approve', 'cancel', 'undo']),
  actor: z.object({ user: z.string(), role: Role, channel: z.string(), environment: z.string() }),
  meta: JobMeta,
});

/**
 * A pressed Approve / Cancel / Undo button. The plan functions enforce expiry, roles and the
 * two-person rule; a refusal (a UserError) is told to the presser only.
 */
export const planDecideJob = defineJob({
  name: 'plan.decide',
  payload: PlanDecidePayload,
  attempts: 3,
  async process({ planId, decision, actor }, ctx: { deps: JobDeps; jobId: string }) {
    const now = ctx.deps.clock.now();
    if (decision === 'approve')
      return approvePlan(ctx.deps, { planId, approver: actor.user, approverRole: actor.role, now });
    if (decision === 'cancel')
      return cancelPlan(ctx.deps, { planId, actor: actor.user, actorRole: actor.role, now });
    return requestUndo(ctx.deps, { planId, requester: actor.user, jobId: `undo-${planId}` });
  },
  async onFailed({ actor, planId }, ctx, failure) {
    await ctx.deps.chat.postEphemeral({
      channel: actor.channel,
      user: actor.user,
      text: `:no_entry: Plan \`${planId}\`: ${failure.userMessage}`,
    });
  },
});
