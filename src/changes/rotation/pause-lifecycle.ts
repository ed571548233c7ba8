import type { Environment } from '../../inventory/schema.js';
import { PLAN_REVERT_JOB, revertJobId } from '../../plans/plan-job-names.js';
import type { PlanStore } from '../../plans/plan-store.js';
import { planThread } from '../../plans/post-plan-message.js';
import type { Clock } from '../../ports/clock.js';
import type { JobQueue } from '../../queue/create-queue.js';
import type { PauseRecord, PauseStore } from './pause-store.js';
import type { RotationChange } from './rotation-change.js';
import { reminderLeadMs } from './rotation-window.js';

export const ROTATION_REMIND_JOB = 'rotation.remind';

export interface PauseDeps {
  plans: PlanStore;
  pauses: PauseStore;
  queue: JobQueue;
  clock: Clock;
}

/** After the rotator is at 0: remember the pause and schedule its reminder (the resume is the plan's revert). */
export async function startPause(deps: PauseDeps, env: Environment, planId: string, c: RotationChange) {
  const plan = await deps.plans.get(planId);
  const now = deps.clock.now();
  const until = now + (plan?.revertAfterMs ?? c.forMs ?? 0);
  const thread = plan ? planThread(plan) : undefined;
  const record: PauseRecord = {
    planId,
    environment: env.name,
    requester: plan?.requester ?? 'unknown',
    ...(plan?.approver ? { approver: plan.approver } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    since: now,
    until,
    channel: plan?.channel ?? env.slack.opsChannels[0]!,
    ...(thread ? { threadTs: thread } : {}),
  };
  await deps.pauses.set(await scheduleReminder(deps, record, until - now));
}

/** After the rotator runs again: forget the pause, its reminder and (for a manual resume) its scheduled revert. */
export async function endPause(deps: PauseDeps, env: Environment, planId: string): Promise<void> {
  const pause = await deps.pauses.get(env.name);
  if (!pause) return;
  if (pause.reminderJobId) await deps.queue.remove(pause.reminderJobId);
  const plan = await deps.plans.get(planId);
  if (plan?.revertOf !== pause.planId) {
    await deps.queue.remove(revertJobId(pause.planId));
    await deps.plans.update(pause.planId, { revertedBy: planId });
  }
  await deps.pauses.clear(env.name);
}

/** Moves the end of the pause: reschedules the resume (the plan's revert job) and the reminder. */
export async function extendPause(deps: PauseDeps, pause: PauseRecord, until: number): Promise<PauseRecord> {
  const delay = Math.max(1, until - deps.clock.now());
  if (pause.reminderJobId) await deps.queue.remove(pause.reminderJobId);
  await deps.queue.remove(revertJobId(pause.planId));
  await deps.queue.enqueue(
    PLAN_REVERT_JOB,
    { planId: pause.planId, meta: { requester: pause.approver ?? pause.requester, channel: pause.channel } },
    { jobId: revertJobId(pause.planId), delayMs: delay },
  );
  await deps.plans.update(pause.planId, { revertAt: until });
  const next = await scheduleReminder(deps, { ...pause, until }, delay);
  await deps.pauses.set(next);
  return next;
}

async function scheduleReminder(deps: PauseDeps, record: PauseRecord, pauseMs: number): Promise<PauseRecord> {
  const lead = reminderLeadMs(pauseMs);
  if (lead <= 0) return record;
  const jobId = `remind-${record.planId}-${record.until}`;
  await deps.queue.enqueue(
    ROTATION_REMIND_JOB,
    {
      environment: record.environment,
      planId: record.planId,
      until: record.until,
      meta: { requester: record.requester, channel: record.channel },
    },
    { jobId, delayMs: Math.max(1, pauseMs - lead) },
  );
  return { ...record, reminderJobId: jobId };
}
