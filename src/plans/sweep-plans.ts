import { UserError } from '../errors/user-error.js';
import { announceApplied } from './announce-applied.js';
import type { PlanDeps } from './plan-deps.js';
import { applyJobId } from './plan-job-names.js';
import { reportApplyFailure } from './report-plan-failure.js';

/** How long an apply may sit in `applying` with no job behind it before the sweep settles it. */
export const SWEEP_GRACE_MS = 2 * 60_000;

/**
 * Settles plans whose apply job ended without anyone reporting it (its worker died right after BullMQ
 * gave up on the job, so the failure handler never ran): stuck in `applying` with no live job, they are
 * checked against the live state and reported as applied, partly applied or not applied. Plans recorded as
 * applied whose result was never posted (the worker died in between, its job given up) are announced.
 */
export async function sweepPlans(deps: PlanDeps, limit = 200): Promise<string[]> {
  const settled: string[] = [];
  const now = deps.clock.now();
  for (const plan of await deps.plans.recent(limit)) {
    // Applied but never announced: the worker died between recording it and posting the result.
    const unannounced = plan.status === 'applied' && !plan.resultTs;
    if ((plan.status !== 'applying' && !unannounced) || now - plan.updatedAt < SWEEP_GRACE_MS) continue;
    const job = await deps.queue.jobs.get(applyJobId(plan.id));
    if (job && job.state !== 'failed' && job.state !== 'completed') continue;
    if (unannounced) {
      // Each step of the announcement is idempotent: a run that did post finds its message by key.
      await announceApplied(deps, plan.id);
      settled.push(plan.id);
      continue;
    }
    const why = job?.failedReason ?? 'its job stopped without finishing';
    await reportApplyFailure(deps, plan.id, { userMessage: why, error: new UserError(why) });
    settled.push(plan.id);
  }
  return settled;
}
