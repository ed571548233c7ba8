import { UserError } from '../errors/user-error.js';
import type { Role } from '../inventory/schema.js';
import type { EnqueueResult } from '../queue/create-queue.js';
import { changeKindOf } from './change-kind.js';
import type { PlanDeps } from './plan-deps.js';
import { planIdFor } from './plan-id.js';
import { PLAN_REQUEST_JOB } from './plan-job-names.js';
import { planThread } from './post-plan-message.js';

/** How long a claimed Undo whose plan does not exist yet counts as being planned. */
const UNDO_CLAIM_MS = 2 * 60_000;

export interface UndoInput {
  planId: string;
  requester: string;
  /** The undoer's role: a kind may need it to restore what only an admin may change. */
  role?: Role;
  /** From the Slack request identity, so a double click makes one undo plan. */
  jobId: string;
}

/**
 * Called by the Undo button: queues a plan for the inverse change in the original's thread. It is a normal
 * plan (approval, two-person rule); it warns if the value changed since the original was applied.
 */
export async function requestUndo(
  deps: Pick<PlanDeps, 'plans' | 'kinds' | 'queue' | 'clock'>,
  input: UndoInput,
) {
  const plan = await deps.plans.get(input.planId);
  if (!plan) throw new UserError('That plan is too old to undo automatically.');
  if (plan.status !== 'applied')
    throw new UserError(`Only an applied plan can be undone; this one is ${plan.status}.`);
  if (plan.revertedBy)
    throw new UserError(`Plan \`${plan.id}\` was already undone by plan \`${plan.revertedBy}\`.`);
  // One open Undo at a time; once it is cancelled, expired or failed, Undo plans a fresh one.
  const undoId = planIdFor(input.jobId);
  const [openId, claimedAt] = (plan.undoPlan ?? '').split('@');
  if (openId && openId !== undoId) {
    const open = await deps.plans.get(openId);
    // Claimed but not planned yet (its plan job is queued): a double click, unless that claim is stale.
    const state =
      open?.status ?? (deps.clock.now() - Number(claimedAt) < UNDO_CLAIM_MS ? 'being planned' : 'gone');
    if (['pending', 'approved', 'applying', 'being planned'].includes(state))
      throw new UserError(
        `An undo of plan \`${plan.id}\` is already ${state}: plan \`${openId}\`, in this thread.`,
      );
  }
  const kind = changeKindOf(deps.kinds, plan.kind);
  const change = kind.change.parse(plan.change);
  const before = kind.live.parse(plan.before);
  // Before the claim: a kind may refuse (nothing to restore), and that must not leave a claim behind.
  const inverse = kind.invert(change, before, { role: input.role });
  const claim = `${undoId}@${deps.clock.now()}`;
  if (openId !== undoId && !(await deps.plans.compareAndSet(plan.id, 'undoPlan', plan.undoPlan, claim)))
    throw new UserError(`Someone else just asked to undo plan \`${plan.id}\`; see the thread.`);
  const thread = planThread(plan);
  const result: EnqueueResult = await deps.queue.enqueue(
    PLAN_REQUEST_JOB,
    {
      kind: kind.kind,
      change: inverse,
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
