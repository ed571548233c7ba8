import { CHANGE_KINDS } from '../../changes/change-kinds.js';
import { UserError } from '../../errors/user-error.js';
import { environmentOf } from '../../jobs/job-deps.js';
import { planIdFor } from '../../plans/plan-id.js';
import { slackTime } from '../../plans/render-plan.js';
import { requestPlan } from '../../plans/request-plan.js';
import { code } from '../../slack-text/code.js';
import { liveReplicas } from '../live-replicas.js';
import { largestNeed, overlapping } from '../workshop-capacity.js';
import type { StepRunner } from './step-outcome.js';

/** Plans wait for approval until the go/no-go at the latest, and at least the inventory's usual time. */
const MIN_TTL_MS = 15 * 60_000;

/**
 * T-1 day: the scaling plan, posted in the thread for approval like any other. Overlapping workshops
 * share the larger capacity, so this plans the most any of them needs.
 */
export const scaleUpStep: StepRunner = async (w, { deps, store, signal }) => {
  const all = await store.list(w.environment, deps.clock.now());
  const others = overlapping(w, all);
  const need = largestNeed([w, ...others]);
  if (!need.length) return { status: 'skipped', detail: 'the inventory has no capacity table' };
  // Never scale down for a workshop: targets already at or above what it needs are left alone.
  const live = await liveReplicas(deps.clusters, environmentOf(deps, w.environment), need, { signal });
  const items = need.filter((i) => (live.get(i.target)?.desired ?? 0) < i.replicas);
  if (!items.length) return { status: 'done', detail: 'already scaled for it: nothing to approve' };
  const planId = planIdFor(`workshop-${w.id}-scale-up`);
  const shared = others.length
    ? ` Overlaps ${others.map((o) => code(o.name)).join(', ')}: planned for the larger of their needs.`
    : '';
  try {
    await requestPlan(deps, {
      planId,
      kind: CHANGE_KINDS.scale,
      change: {
        environment: w.environment,
        items: items.map((i) => ({ target: i.target, replicas: i.replicas })),
        reason: `workshop ${w.name}, ${w.users} users`,
      },
      environment: w.environment,
      requester: w.requester,
      channel: w.channel,
      ...(w.threadTs ? { threadTs: w.threadTs } : {}),
      signal,
      ttlMs: Math.max(MIN_TTL_MS, w.steps['go-no-go'].at - deps.clock.now()),
      notes: [
        `Workshop ${code(w.name)} (${w.users} users) starts ${slackTime(w.start)}; it is scaled back to the inventory defaults ${slackTime(w.steps['wind-down'].at)}, after it ends.${shared}`,
      ],
    });
  } catch (err) {
    // Already scaled as far (an earlier workshop, a person): nothing waits for approval.
    if (err instanceof UserError && /^Nothing to change/.test(err.message))
      return { status: 'done', detail: 'already scaled for it: nothing to approve', planIds: [] };
    throw err;
  }
  return {
    status: 'done',
    detail: `\`${planId}\`: ${items.map((i) => `${i.target} → ${i.replicas}`).join(', ')}`,
    planIds: [planId],
  };
};
