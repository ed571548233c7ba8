import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { revertJobId } from './plan-job-names.js';
import { postOnce } from './post-once.js';
import { planThread, refreshPlanMessage } from './post-plan-message.js';
import { renderResult } from './render-plan.js';
import { scheduleRevert } from './schedule-revert.js';

/**
 * After a plan is recorded as applied: result with Undo (or why there is none) in the thread, audit, the scheduled revert,
 * and bookkeeping on the plan this one undoes. Each step is idempotent or guarded by `resultTs`,
 * so a re-run after a crash repeats nothing the user would see twice.
 */
export async function announceApplied(deps: PlanDeps, planId: string): Promise<Plan> {
  const plan = (await deps.plans.get(planId))!;
  await refreshPlanMessage(deps, planId);
  if ((plan.revertAfterMs || plan.revertUntil) && plan.revertAt && !plan.revertedBy)
    await scheduleRevert(deps, plan.id, plan.revertAt, plan.approver ?? plan.requester, plan.channel);
  if (plan.revertOf) {
    const original = await deps.plans.get(plan.revertOf);
    await deps.plans.update(plan.revertOf, { revertedBy: plan.id });
    // An undo makes the original's own scheduled revert moot (the revert job also checks revertedBy).
    if (original?.revertAt) await deps.queue.remove(revertJobId(original.id, original.revertAt));
  }
  if (plan.resultTs) return plan;
  const verified = plan.verified ?? false;
  const thread = planThread(plan);
  const kind = deps.kinds.get(plan.kind);
  const noUndo = kind?.noUndo?.(kind.change.parse(plan.change), kind.live.parse(plan.before));
  // Audited first (once by key), then posted once (by key): a crash anywhere repeats neither.
  await auditApplied(deps, plan, verified);
  const posted = await postOnce(deps, planId, 'resultTs', {
    channel: plan.channel,
    ...renderResult(plan, plan.result ?? '', verified, noUndo),
    ...(thread ? { threadTs: thread } : {}),
  });
  // The original's message must stop promising "reverts automatically at …" and say which plan reverted it
  // (after the result: the edit waits for the channel's edit slot).
  if (plan.revertOf) await refreshPlanMessage(deps, plan.revertOf);
  return { ...plan, resultTs: posted.ts };
}

async function auditApplied(deps: PlanDeps, plan: Plan, verified: boolean): Promise<void> {
  await deps.audit.append(
    {
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
    },
    { once: `applied-${plan.id}` },
  );
}
