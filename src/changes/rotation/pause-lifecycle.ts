import type { Environment } from '../../inventory/schema.js';
import { revertJobId } from '../../plans/plan-job-names.js';
import type { PlanStore } from '../../plans/plan-store.js';
import { planThread } from '../../plans/post-plan-message.js';
import { scheduleRevert } from '../../plans/schedule-revert.js';
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

/**
 * Part of applying a pause, done before the rotator is scaled to 0: remember the pause and schedule its
 * reminder (the resume is the plan's revert). Idempotent: a resumed apply keeps the record it made.
 */
export async function startPause(
  deps: PauseDeps,
  env: Environment,
  planId: string,
  c: RotationChange,
  until: number | undefined,
) {
  const existing = await deps.pauses.get(env.name);
  if (existing?.planId === planId) return;
  const plan = await deps.plans.get(planId);
  const now = deps.clock.now();
  const end = until ?? now + (c.forMs ?? 0);
  const thread = plan ? planThread(plan) : undefined;
  const record: PauseRecord = {
    planId,
    environment: env.name,
    requester: plan?.requester ?? 'unknown',
    ...(plan?.approver ? { approver: plan.approver } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    since: now,
    until: end,
    approvedUntil: end,
    channel: plan?.channel ?? env.slack.opsChannels[0]!,
    ...(thread ? { threadTs: thread } : {}),
  };
  await deps.pauses.set(await scheduleReminder(deps, record, end - now));
}

/** After the rotator runs again: forget the pause, its reminder and (for a manual resume) its scheduled revert. */
export async function endPause(deps: PauseDeps, env: Environment, planId: string): Promise<void> {
  const pause = await deps.pauses.get(env.name);
  if (!pause) return;
  if (pause.reminderJobId) await deps.queue.remove(pause.reminderJobId);
  const plan = await deps.plans.get(planId);
  if (plan?.revertOf !== pause.planId) {
    const paused = await deps.plans.get(pause.planId);
    if (paused?.revertAt) await deps.queue.remove(revertJobId(pause.planId, paused.revertAt));
    await deps.plans.update(pause.planId, { revertedBy: planId });
  }
  await deps.pauses.clear(env.name);
}

/**
 * Moves the end of the pause: records the new end (which makes the old revert job moot), then schedules
 * the resume for it. Runs inside a job, so a crash in between is healed by the job's re-run.
 */
export async function extendPause(
  deps: PauseDeps,
  pause: PauseRecord,
  until: number,
  approvedUntil = pause.approvedUntil ?? pause.until,
  /** Who ends the pause now (Resume now), named in the resume plan. */
  resumedBy?: string,
): Promise<PauseRecord> {
  const end = Math.max(until, deps.clock.now() + 1);
  const plan = await deps.plans.get(pause.planId);
  await deps.plans.update(pause.planId, { revertAt: end });
  await scheduleRevert(deps, pause.planId, end, pause.approver ?? pause.requester, pause.channel, resumedBy);
  if (plan?.revertAt && plan.revertAt !== end)
    await deps.queue.remove(revertJobId(pause.planId, plan.revertAt));
  if (pause.reminderJobId) await deps.queue.remove(pause.reminderJobId);
  const next = await scheduleReminder(deps, { ...pause, until: end, approvedUntil }, end - deps.clock.now());
  await deps.pauses.set(next);
  return next;
}

async function scheduleReminder(deps: PauseDeps, record: PauseRecord, pauseMs: number): Promise<PauseRecord> {
  const { reminderJobId: _old, ...rest } = record;
  const lead = reminderLeadMs(pauseMs);
  if (lead <= 0) return rest;
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
  return { ...rest, reminderJobId: jobId };
}
