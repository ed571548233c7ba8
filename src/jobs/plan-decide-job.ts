import { z } from 'zod';
import { approvePlan } from '../plans/approve-plan.js';
import { cancelPlan } from '../plans/cancel-plan.js';
import { checkClick } from '../plans/check-click.js';
import { failureText } from '../plans/failure-text.js';
import { requestUndo } from '../plans/request-undo.js';
import { defineJob } from '../queue/define-job.js';
import { JobMeta } from '../queue/job-meta.js';
import { ClickActor } from './click-actor.js';
import type { JobDeps } from './job-deps.js';

export const PlanDecidePayload = z.object({
  planId: z.string().regex(/^[\w-]{1,80}$/),
  decision: z.enum(['approve', 'cancel', 'undo']),
  actor: ClickActor,
  /** When the button was pressed: approval and expiry are judged then, not when a busy worker gets to it. */
  at: z.number().optional(),
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
  async process({ planId, decision, actor, at }, ctx: { deps: JobDeps; jobId: string }) {
    const now = at ?? ctx.deps.clock.now();
    const plan = await ctx.deps.plans.get(planId);
    if (plan) await checkClick(ctx.deps, plan, actor, now);
    if (decision === 'approve')
      return approvePlan(ctx.deps, { planId, approver: actor.user, approverRole: actor.role, now });
    if (decision === 'cancel')
      return cancelPlan(ctx.deps, { planId, actor: actor.user, actorRole: actor.role, now });
    // The undo plan's id comes from this click, so a cancelled or expired undo never blocks the next one.
    return requestUndo(ctx.deps, {
      planId,
      requester: actor.user,
      role: actor.role,
      jobId: `${ctx.jobId}-undo`,
    });
  },
  async onFailed({ actor, planId }, ctx, failure) {
    await ctx.deps.chat.postEphemeral({
      channel: actor.channel,
      user: actor.user,
      text: failureText(failure, `Plan \`${planId}\``, planId),
    });
  },
});
