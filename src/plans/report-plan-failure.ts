import { ConflictError } from '../errors/user-error.js';
import { BusyError } from '../locks/busy-error.js';
import type { JobFailure } from '../queue/define-job.js';
import { announceApplied } from './announce-applied.js';
import type { PlanDeps } from './plan-deps.js';
import { postOnce } from './post-once.js';
import { planThread, refreshPlanMessage } from './post-plan-message.js';
import { recordAppliedAfterAll, type Standing, whereItStands } from './settle-unfinished.js';

/** A plan that will not be applied: mark it failed, say why in its thread, audit it. */
export async function reportApplyFailure(
  deps: PlanDeps,
  planId: string,
  failure: JobFailure,
  /** The failing run's fencing token: a run that was replaced must not fail the plan. */
  fence?: string,
): Promise<void> {
  const plan = await deps.plans.get(planId);
  if (!plan) return;
  // Applied before its job died (e.g. a crash after the status change): announce it, do not call it failed.
  if (plan.status === 'applied') {
    await announceApplied(deps, planId);
    return;
  }
  let standing: Awaited<ReturnType<typeof whereItStands>> = { standing: 'before' };
  if (plan.status === 'applying') {
    standing = await whereItStands(deps, plan);
    if (
      standing.standing === 'after' &&
      (await recordAppliedAfterAll(deps, plan, failure.userMessage, standing.live, fence))
    ) {
      await announceApplied(deps, planId);
      return;
    }
  }
  const now = deps.clock.now();
  const left =
    standing.standing === 'partial' || standing.standing === 'unknown'
      ? { standing: standing.standing, ...(standing.live ? { standingNow: standing.live } : {}) }
      : {};
  const moved = await deps.plans.transition(
    planId,
    ['approved', 'applying'],
    'failed',
    now,
    { error: failure.userMessage, ...left },
    fence,
  );
  // Applied, owned by a newer run, or failed and already told: say nothing (twice). A report that crashed
  // between the status change and recording its message is finished here.
  if (!moved.ok && (moved.fenced || moved.status !== 'failed' || plan.resultTs)) return;
  await refreshPlanMessage(deps, planId);
  const thread = planThread(plan);
  const refused = failure.error instanceof ConflictError || failure.error instanceof BusyError;
  await deps.audit.append(
    {
      at: now,
      actor: plan.approver ?? plan.requester,
      action: plan.action,
      channel: plan.channel,
      environment: plan.environment,
      outcome: refused ? 'refused' : 'failed',
      detail: `${plan.summary}: ${failure.userMessage}`,
      planId: plan.id,
      jobId: `apply-${plan.id}`,
    },
    { once: `failed-${plan.id}` },
  );
  const kind = deps.kinds.get(plan.kind);
  // Where things stand when bookkeeping was written ahead of a change that then failed (a pause record …).
  const state = await kind
    ?.applyFailed?.(kind.change.parse(plan.change), plan.id)
    .catch(() => 'Could not check where things stand now; see `/ops status`.');
  await postOnce(deps, planId, 'resultTs', {
    channel: plan.channel,
    // The headline already says it was not applied; a conflict's own "Not applied: " would say it twice.
    text: `${failedHeadline(plan.id, standing.standing, standing.live)}: ${failure.userMessage.replace(/^Not applied: /, '')}${state ? `\n${state}` : ''}`,
    ...(thread ? { threadTs: thread } : {}),
  });
}

/** Says what a failure left behind: nothing, part of the change, or something nobody can tell from here. */
function failedHeadline(planId: string, standing: Standing, live: string | undefined): string {
  if (standing === 'partial')
    return `:warning: Plan \`${planId}\` was applied only in part (now: ${live ?? '?'}) and then stopped`;
  if (standing === 'unknown')
    return `:warning: Plan \`${planId}\` was not applied as far as opsbot can tell (it could not read the live state back to be sure; check it)`;
  return `:x: Plan \`${planId}\` was not applied`;
}
