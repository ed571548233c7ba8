import type { PlanDeps } from './plan-deps.js';
import { PLAN_REVERT_JOB, revertJobId } from './plan-job-names.js';

/**
 * Queues the revert of a time-boxed plan for `revertAt`. The job id carries the time, so scheduling a new
 * end (Extend, Resume now) never collides with an earlier job that already ran or is running; the job
 * skips itself unless the plan's `revertAt` is still the one it was made for.
 */
export async function scheduleRevert(
  deps: Pick<PlanDeps, 'queue' | 'clock'>,
  planId: string,
  revertAt: number,
  requester: string,
  channel: string,
  /** Someone ended it early (Resume now): the revert says who. */
  resumedBy?: string,
) {
  return deps.queue.enqueue(
    PLAN_REVERT_JOB,
    { planId, revertAt, ...(resumedBy ? { resumedBy } : {}), meta: { requester, channel } },
    { jobId: revertJobId(planId, revertAt), delayMs: Math.max(1, revertAt - deps.clock.now()) },
  );
}
