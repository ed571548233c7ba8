import { CHANGE_KINDS } from '../../changes/change-kinds.js';
import { extendPause } from '../../changes/rotation/pause-lifecycle.js';
import { PauseStore } from '../../changes/rotation/pause-store.js';
import { UserError } from '../../errors/user-error.js';
import { environmentOf } from '../../jobs/job-deps.js';
import { planIdFor } from '../../plans/plan-id.js';
import { requestPlan } from '../../plans/request-plan.js';
import { code } from '../../slack-text/code.js';
import { largestNeed, stillHolding } from '../workshop-capacity.js';
import type { Workshop } from '../workshop-record.js';
import { capacityWindow } from '../workshop-timeline.js';
import type { StepContext, StepRunner } from './step-outcome.js';

/**
 * End + 30 min (or `/workshop end`/`cancel`): scale back to the inventory defaults and end the rotation
 * pause — unless another workshop still holds capacity, which then keeps what it needs. The scale-back was
 * approved with the scale-up (it said when it would be undone), so it is applied without a new approval.
 */
export const windDownStep: StepRunner = async (w, ctx) => {
  const { deps, store } = ctx;
  const now = deps.clock.now();
  const all = await store.list(w.environment, now - 7 * 86_400_000);
  const holding = stillHolding(w, all, now);
  const scale = await scaleBack(w, holding, overlappingAny(w, all), ctx);
  const rotation = await resumeRotation(w, holding, ctx);
  return {
    status: 'done',
    detail: `${scale.line}; ${rotation}`,
    planIds: scale.planIds,
  };
};

async function scaleBack(
  w: Workshop,
  holding: Workshop[],
  group: Workshop[],
  { deps, signal }: StepContext,
): Promise<{ line: string; planIds: string[] }> {
  // An overlapping workshop may have done the scaling this one relied on: whoever winds down last undoes it.
  const scaledBy = await approvedScaleUps([w, ...group], deps);
  if (!scaledBy.length)
    return { line: 'nothing to scale back (its scaling plan was never applied)', planIds: [] };
  const keep = largestNeed(holding);
  const items = w.targets.map((t) => {
    const kept = keep.find((k) => k.target === t.target);
    return kept
      ? { target: t.target, replicas: kept.replicas }
      : { target: t.target, replicas: 'default' as const };
  });
  const planId = planIdFor(`workshop-${w.id}-wind-down-${w.steps['wind-down'].at}`);
  const approver = scaledBy[0]!.approver ?? scaledBy[0]!.requester;
  const still = holding.length
    ? ` (${holding.map((o) => code(o.name)).join(', ')} still running: kept what it needs)`
    : '';
  try {
    await requestPlan(deps, {
      planId,
      kind: CHANGE_KINDS.scale,
      change: { environment: w.environment, items, reason: `workshop ${w.name} is over` },
      signal,
      environment: w.environment,
      requester: w.requester,
      channel: w.channel,
      ...(w.threadTs ? { threadTs: w.threadTs } : {}),
      preApproved: {
        approver,
        reason: `wind-down of workshop ${w.name}, approved with its scaling plan \`${scaledBy[0]!.id}\``,
      },
    });
  } catch (err) {
    if (err instanceof UserError && /^Nothing to change/.test(err.message))
      return { line: `already back to where it should be${still}`, planIds: [] };
    throw err;
  }
  return { line: `scale-back \`${planId}\` applied without a new approval${still}`, planIds: [planId] };
}

/** Applied scale-up plans of these workshops. */
async function approvedScaleUps(workshops: Workshop[], deps: StepContext['deps']) {
  const ids = workshops.flatMap((o) => o.steps['scale-up'].planIds);
  const plans = await Promise.all(ids.map((id) => deps.plans.get(id)));
  return plans.filter((p) => p?.status === 'applied').map((p) => p!);
}

/** Every other workshop whose capacity window overlaps `w`'s, whatever its state. */
function overlappingAny(w: Workshop, all: Workshop[]): Workshop[] {
  const mine = capacityWindow(w);
  return all.filter((o) => {
    const theirs = capacityWindow(o);
    return o.id !== w.id && theirs.from < mine.to && mine.from < theirs.to;
  });
}

async function resumeRotation(w: Workshop, holding: Workshop[], { deps }: StepContext): Promise<string> {
  const env = environmentOf(deps, w.environment);
  if (!env.rotation) return 'no key rotation here';
  const pauses = new PauseStore(deps.redis, deps.prefix);
  const pause = await pauses.get(env.name);
  const ours = new Set(w.steps['go-no-go'].planIds);
  // The pause's own resume is due at the same moment as this step: whichever runs first, say the same.
  if (!pause) return (await resumedOurs(deps, ours)) ? OWN_RESUME : 'key rotation is running';
  if (holding.length) return `rotation stays paused for ${holding.map((o) => code(o.name)).join(', ')}`;
  if (!ours.has(pause.planId) && !(await extendedBy(deps, ours, pause.planId)))
    return "rotation stays paused: that pause is not this workshop's";
  const now = deps.clock.now();
  // Its own scheduled resume (approved with the pause) runs now instead of at its end.
  if (pause.until > now)
    await extendPause({ plans: deps.plans, pauses, queue: deps.queue, clock: deps.clock }, pause, now);
  return OWN_RESUME;
}

const OWN_RESUME = "key rotation resumes (the pause's own resume)";

/** Whether one of the workshop's pause plans was applied and its resume has run or is running. */
async function resumedOurs(deps: StepContext['deps'], ours: Set<string>): Promise<boolean> {
  for (const id of ours) {
    const plan = await deps.plans.get(id);
    // Reverted already, or its revert is due (running now, beside this step).
    const due = plan?.revertAt !== undefined && plan.revertAt <= deps.clock.now();
    if (plan?.kind === CHANGE_KINDS.rotation && plan.status === 'applied' && (plan.revertedBy || due))
      return true;
  }
  return false;
}

/** Whether one of the workshop's plans extended the pause `pausePlanId`. */
async function extendedBy(
  deps: StepContext['deps'],
  ours: Set<string>,
  pausePlanId: string,
): Promise<boolean> {
  for (const id of ours) {
    const plan = await deps.plans.get(id);
    if ((plan?.change as { pausePlanId?: string } | undefined)?.pausePlanId === pausePlanId) return true;
  }
  return false;
}
