import { ConflictError, UserError } from '../errors/user-error.js';
import { withLocks } from '../locks/with-lock.js';
import { announceApplied } from './announce-applied.js';
import type { AnyChangeKind, VerifyResult } from './change-kind.js';
import { changeKindOf } from './change-kind.js';
import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { refreshPlanMessage } from './post-plan-message.js';

/**
 * The apply step: lock the resources, re-read live state, refuse if it moved away from the plan's
 * "before", apply, verify, then announce. Safe to run again after a crash or a transient failure:
 * a plan already in `applying` whose live state equals the planned "after" is not applied twice.
 */
export async function applyPlan(deps: PlanDeps, planId: string): Promise<Plan> {
  const start = await deps.plans.transition(planId, ['approved', 'applying'], 'applying', deps.clock.now());
  if (!start.ok) {
    // Crashed after recording the result but before announcing it.
    if (start.status === 'applied') return announceApplied(deps, planId);
    throw new UserError(`Plan ${planId} is ${start.status}; nothing was applied.`);
  }
  const plan = (await deps.plans.get(planId))!;
  await refreshPlanMessage(deps, planId);
  const kind = changeKindOf(deps.kinds, plan.kind);
  const resumed = start.from === 'applying';
  const locks = kind
    .resources(plan.change)
    .map((resource) => ({ key: `${deps.prefix}:lock:${resource}`, resource }));
  const verdict = await withLocks(
    deps.redis,
    locks,
    deps.lockTtlMs ?? 30_000,
    (held) => applyLocked(kind, plan, resumed, AbortSignal.any(held.map((l) => l.signal))),
    // A lock in this plan's name outlived a crashed run of this same job (BullMQ runs one at a time).
    { holder: `plan ${plan.id}`, reclaim: resumed },
  );
  const now = deps.clock.now();
  await deps.plans.transition(planId, ['applying'], 'applied', now, {
    result: verdict.detail,
    verified: String(verdict.ok),
    ...(plan.revertAfterMs ? { revertAt: now + plan.revertAfterMs } : {}),
  });
  return announceApplied(deps, planId);
}

async function applyLocked(
  kind: AnyChangeKind,
  plan: Plan,
  resumed: boolean,
  signal: AbortSignal,
): Promise<VerifyResult> {
  const change = kind.change.parse(plan.change);
  const before = kind.live.parse(plan.before);
  const after = kind.afterOf(change, before);
  const live = kind.live.parse(await kind.readLive(change));
  if (kind.equals(live, before)) await kind.apply(change, { planId: plan.id, signal });
  else if (!(resumed && kind.equals(live, after)))
    throw new ConflictError(
      'Not applied: the live value changed after this plan was made, so it no longer shows what would change',
      kind.describe(live),
    );
  if (kind.verify) return kind.verify(change, after, { planId: plan.id, signal });
  const now = kind.live.parse(await kind.readLive(change));
  return kind.equals(now, after)
    ? { ok: true, detail: `live state is ${kind.describe(now)}` }
    : { ok: false, detail: `expected ${kind.describe(after)}, found ${kind.describe(now)}` };
}
