import { UserError } from '../errors/user-error.js';
import type { Role } from '../inventory/schema.js';
import type { EnqueueResult } from '../queue/create-queue.js';
import { AccessDeniedError, checkTwoPerson, roleAtLeast } from './access-rules.js';
import { actionForPeople } from './action-names.js';
import { changeKindOf } from './change-kind.js';
import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { applyJobId, expireJobId, PLAN_APPLY_JOB } from './plan-job-names.js';
import { refreshPlanMessage } from './post-plan-message.js';

export interface ApproveInput {
  planId: string;
  approver: string;
  approverRole: Role;
  /** Incident mode is on for the plan's environment. */
  incident?: boolean;
  now: number;
}

export interface ApproveResult extends EnqueueResult {
  waiver?: string;
}

/**
 * Called by the Approve button handler. Checks expiry, role and the two-person rule (auditing a denial),
 * then queues `plan.apply` as `apply-<planId>`, so however often it is clicked the change runs once.
 */
export async function approvePlan(deps: PlanDeps, input: ApproveInput): Promise<ApproveResult> {
  const plan = await deps.plans.get(input.planId);
  if (!plan)
    throw new UserError(`Plan \`${input.planId}\` no longer exists.`, {
      hint: 'Run the command again for a fresh plan.',
    });
  // An approved plan whose apply job never got queued (Redis blip) is finished by its approver clicking again.
  if (plan.status === 'approved' && plan.approver === input.approver)
    return enqueueApply(deps, plan, input.approver);
  // A decided or expired plan is answered as such first, whoever clicks.
  const status = plan.status === 'pending' ? await deps.plans.statusAt(plan.id, input.now) : plan.status;
  if (status !== 'pending') return refuse(deps, plan, input, status);
  const kind = changeKindOf(deps.kinds, plan.kind);
  let waiver: string | undefined;
  try {
    const needed = kind.approverRole ?? 'operator';
    if (!roleAtLeast(input.approverRole, needed))
      throw new AccessDeniedError(
        `Approving this plan (${actionForPeople(plan.action)}) needs the ${needed} role; you are ${input.approverRole}.`,
      );
    waiver = checkTwoPerson(plan, input.approver, deps.access(plan.environment), input.incident ?? false);
  } catch (err) {
    if (err instanceof AccessDeniedError) await audit(deps, plan, input, 'denied', err.message);
    throw err;
  }
  const moved = await deps.plans.transition(plan.id, ['pending'], 'approved', input.now, {
    approver: input.approver,
    approvedAt: input.now,
    ...(waiver ? { waiver } : {}),
  });
  if (!moved.ok) return refuse(deps, plan, input, moved.status);
  await audit(deps, plan, input, 'approved', plan.summary, waiver);
  const result = await enqueueApply(deps, plan, input.approver);
  await deps.queue.remove(expireJobId(plan.id));
  return waiver ? { ...result, waiver } : result;
}

async function refuse(deps: PlanDeps, plan: Plan, input: ApproveInput, status: string): Promise<never> {
  if (status === 'expired') {
    await audit(deps, plan, input, 'expired', `approval after expiry: ${plan.summary}`);
    await refreshPlanMessage(deps, plan.id);
    throw new UserError(`Plan \`${plan.id}\` expired; run the command again.`, {
      hint: 'Plans expire so nobody approves a change against stale state.',
    });
  }
  const current = (await deps.plans.get(plan.id)) ?? plan;
  throw new UserError(`Plan \`${plan.id}\` ${decided(current, status)}; nothing more to do.`);
}

/** Who decided a plan that is no longer pending, in its own words (a cancel is not an approval). */
function decided(plan: Plan, status: string): string {
  const approver = plan.approver ? ` by <@${plan.approver}>` : '';
  switch (status) {
    case 'approved':
    case 'applying':
      return `was already approved${approver} and is being applied`;
    case 'applied':
      return `was already approved${approver} and applied`;
    case 'failed':
      return `was already approved${approver} and failed (see its thread)`;
    case 'cancelled':
      return `was cancelled${plan.cancelledBy ? ` by <@${plan.cancelledBy}>` : ''}`;
    default:
      return `is ${status}`;
  }
}

async function enqueueApply(deps: PlanDeps, plan: Plan, approver: string): Promise<EnqueueResult> {
  return deps.queue.enqueue(
    PLAN_APPLY_JOB,
    { planId: plan.id, meta: { requester: approver, channel: plan.channel, environment: plan.environment } },
    { jobId: applyJobId(plan.id) },
  );
}

async function audit(
  deps: PlanDeps,
  plan: Plan,
  input: ApproveInput,
  outcome: 'approved' | 'denied' | 'expired',
  detail: string,
  waiver?: string,
): Promise<void> {
  await deps.audit.append({
    at: input.now,
    actor: input.approver,
    action: plan.action,
    channel: plan.channel,
    environment: plan.environment,
    outcome,
    detail,
    planId: plan.id,
    ...(waiver ? { waiver } : {}),
  });
}
