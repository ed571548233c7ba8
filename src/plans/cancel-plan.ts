import { UserError } from '../errors/user-error.js';
import type { Role } from '../inventory/schema.js';
import { AccessDeniedError, roleAtLeast } from './access-rules.js';
import { changeKindOf } from './change-kind.js';
import type { PlanDeps } from './plan-deps.js';
import { refreshPlanMessage } from './post-plan-message.js';

export interface CancelInput {
  planId: string;
  actor: string;
  actorRole: Role;
  now: number;
}

/** Called by the Cancel button: the requester, or anyone who could approve, may cancel a pending plan. */
export async function cancelPlan(deps: PlanDeps, input: CancelInput): Promise<void> {
  const plan = await deps.plans.get(input.planId);
  if (!plan) throw new UserError(`Plan \`${input.planId}\` no longer exists.`);
  const needed = changeKindOf(deps.kinds, plan.kind).approverRole ?? 'operator';
  if (input.actor !== plan.requester && !roleAtLeast(input.actorRole, needed))
    throw new AccessDeniedError(
      `Only the requester or someone with the ${needed} role may cancel this plan.`,
    );
  const moved = await deps.plans.transition(plan.id, ['pending'], 'cancelled', input.now, {
    cancelledBy: input.actor,
  });
  await refreshPlanMessage(deps, plan.id);
  if (!moved.ok)
    throw new UserError(`Plan \`${plan.id}\` is already ${moved.status}; it cannot be cancelled now.`);
  await deps.audit.append({
    at: input.now,
    actor: input.actor,
    action: plan.action,
    channel: plan.channel,
    environment: plan.environment,
    outcome: 'cancelled',
    detail: plan.summary,
    planId: plan.id,
  });
}
