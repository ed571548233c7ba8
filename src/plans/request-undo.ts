import { UserError } from '../errors/user-error.js';
import type { EnqueueResult } from '../queue/create-queue.js';
import { changeKindOf } from './change-kind.js';
import type { PlanDeps } from './plan-deps.js';
import { PLAN_REQUEST_JOB } from './plan-job-names.js';
import { planThread } from './post-plan-message.js';

export interface UndoInput {
  planId: string;
  requester: string;
  /** From the Slack request identity, so a double click makes one undo plan. */
  jobId: string;
}

/**
 * Called by the Undo button: queues a plan for the inverse change in the original's thread. It is a normal
 * plan (approval, two-person rule); it warns if the value changed since the original was applied.
 */
export async function requestUndo(deps: Pick<PlanDeps, 'plans' | 'kinds' | 'queue'>, input: UndoInput) {
  const plan = await deps.plans.get(input.planId);
  if (!plan) throw new UserError('That plan is too old to undo automatically.');
  if (plan.status !== 'applied')
    throw new UserError(`Only an applied plan can be undone; this one is ${plan.status}.`);
  if (plan.revertedBy) throw new UserError(`Plan ${plan.id} was already undone by plan ${plan.revertedBy}.`);
  const kind = changeKindOf(deps.kinds, plan.kind);
  const change = kind.change.parse(plan.change);
  const before = kind.live.parse(plan.before);
  const thread = planThread(plan);
  const result: EnqueueResult = await deps.queue.enqueue(
    PLAN_REQUEST_JOB,
    {
      kind: kind.kind,
      change: kind.invert(change, before),
      environment: plan.environment,
      revertOf: plan.id,
      expectBefore: kind.afterOf(change, before),
      meta: {
        requester: input.requester,
        channel: plan.channel,
        environment: plan.environment,
        ...(thread ? { threadTs: thread } : {}),
      },
    },
    { jobId: input.jobId },
  );
  return result;
}
