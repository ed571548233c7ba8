import { changeKindOf, progressOf } from './change-kind.js';
import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';

export type Standing = 'before' | 'after' | 'partial' | 'conflict' | 'unknown';

/**
 * Where an apply that ended for good actually left things: its job can die (stall limit, attempts used up
 * by 429s) after the write went through, so "failed" must be checked against the live state, not assumed.
 */
export async function whereItStands(
  deps: PlanDeps,
  plan: Plan,
): Promise<{ standing: Standing; live?: string }> {
  const kind = changeKindOf(deps.kinds, plan.kind);
  try {
    const change = kind.change.parse(plan.change);
    const before = kind.live.parse(plan.before);
    const live = kind.live.parse(await kind.readLive(change, { phase: 'apply' }));
    const after = kind.afterOf(change, before);
    return {
      standing: progressOf(kind, live, before, after),
      // Only what the plan changes, each against where it was going (a reset of everything lists only the moved).
      live: kind.describeProgress?.(live, before, after) ?? kind.describe(live),
    };
  } catch {
    return { standing: 'unknown' };
  }
}

/**
 * An apply that ended with the change in effect is recorded as applied (unverified, saying why), so it is
 * announced with Undo and its scheduled revert like any other; false when the plan was not `applying`.
 */
export async function recordAppliedAfterAll(
  deps: PlanDeps,
  plan: Plan,
  why: string,
  live: string | undefined,
  fence?: string,
): Promise<boolean> {
  const now = deps.clock.now();
  const moved = await deps.plans.transition(
    plan.id,
    ['applying'],
    'applied',
    now,
    {
      result: `the change is in effect (${live ?? 'see the plan'}), but its job ended before it could verify: ${why}`,
      verified: 'false',
      ...(plan.revertAfterMs && !plan.revertAt ? { revertAt: now + plan.revertAfterMs } : {}),
    },
    fence,
  );
  return moved.ok;
}
