import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { PLAN_REVERT_JOB, revertJobId } from './plan-job-names.js';
import { planThread, refreshPlanMessage } from './post-plan-message.js';
import { renderResult } from './render-plan.js';

/**
 * After a plan is recorded as applied: result with Undo in the thread, audit, the scheduled revert,
 * and bookkeeping on the plan this one undoes. Each step is idempotent or guarded by `resultTs`,
 * so a re-run after a crash repeats nothing the user would see twice.
 */
export async function announceApplied(deps: PlanDeps, planId: string): Promise<Plan> {
  const plan = (await deps.plans.get(planId))!;
  await refreshPlanMessage(deps, planId);
  if (plan.revertAfterMs && plan.revertAt)
    await deps.queue.enqueue(
      PLAN_REVERT_JOB,
      { planId, meta: { requester: plan.approver ?? plan.requester, channel: plan.channel } },
      { jobId: revertJobId(planId), delayMs: Math.max(1, plan.revertAt - deps.clock.now()) },
    );
  if (plan.revertOf) {
    await deps.plans.update(plan.revertOf, { revertedBy: plan.id });
    // An undo makes the original's own scheduled revert moot.
    await deps.queue.remove(revertJobId(plan.revertOf));
  }
  if (plan.resultTs) return plan;
  const verified = plan.verified ?? false;
  const thread = planThread(plan);
  const posted = await deps.chat.post({
    channel: plan.channel,
    ...renderResult(plan, plan.result ?? '', verified),
    ...(thread ? { threadTs: thread } : {}),
  });
  await deps.audit.append({
    at: deps.clock.now(),
    actor: plan.approver ?? plan.requester,
    action: plan.action,
    channel: plan.channel,
    environment: plan.environment,
    outcome: verified ? 'applied' : 'failed',
    detail: `${plan.summary}${plan.revertOf ? ` (reverts plan ${plan.revertOf})` : ''}; ${plan.result ?? ''}`,
    planId: plan.id,
    jobId: `apply-${plan.id}`,
    ...(plan.waiver ? { waiver: plan.waiver } : {}),
  });
  await deps.plans.update(planId, { resultTs: posted.ts });
  return { ...plan, resultTs: posted.ts };
}
