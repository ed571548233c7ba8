import { schedulerTickMs } from '../alerts/alert-schedule.js';
import type { Environment } from '../inventory/schema.js';
import { ALERTS_EVALUATE_JOB } from '../jobs/alerts/alerts-evaluate-job.js';
import { PLAN_SWEEP_JOB } from '../plans/plan-jobs.js';
import type { JobRegistry } from '../queue/define-job.js';
import type { ScheduleSpec } from '../queue/sync-job-schedulers.js';

export interface InventoryScheduleOptions {
  /** Overrides every alert check's interval (the sandbox: 15 s, so a fault shows within a minute). */
  alertEverySeconds?: number;
}

/**
 * The environment's alert evaluation as one job scheduler (`every`) ticking at its smallest check
 * interval (each tick runs the checks due), when it has alert checks.
 */
function alertSchedule(
  env: Environment,
  jobs: JobRegistry<unknown>,
  options: InventoryScheduleOptions,
): ScheduleSpec | undefined {
  if (!env.alerts?.checks.length || !jobs.has(ALERTS_EVALUATE_JOB)) return undefined;
  const override = options.alertEverySeconds;
  // 0 turns scheduled alerts off (a sandbox for tests, which drive evaluations themselves).
  if (override !== undefined && override <= 0) return undefined;
  return {
    id: `${env.name}-alerts`.replace(/[^\w.-]/g, '_'),
    job: ALERTS_EVALUATE_JOB,
    cron: '',
    tz: env.alerts.tz,
    every: schedulerTickMs(env.alerts, override),
    data: {
      meta: { requester: 'opsbot', environment: env.name },
      environment: env.name,
      ...(override !== undefined ? { everySeconds: override } : {}),
    },
  };
}

/**
 * The inventory's `schedules` as job schedulers. A schedule naming a job opsbot doesn't have (yet)
 * is skipped with a reason rather than failing the start.
 */
export function inventorySchedules(
  environments: ReadonlyMap<string, Environment>,
  jobs: JobRegistry<unknown>,
  options: InventoryScheduleOptions = {},
): { schedules: ScheduleSpec[]; skipped: string[] } {
  const schedules: ScheduleSpec[] = [];
  const skipped: string[] = [];
  for (const env of environments.values()) {
    for (const s of env.schedules) {
      const def = jobs.get(s.job);
      const data = {
        meta: { requester: 'opsbot', channel: env.slack.opsChannels[0]!, environment: env.name },
        environment: env.name,
      };
      if (!def) skipped.push(`${env.name}/${s.id}: no job "${s.job}"`);
      else if (!def.payload.safeParse(data).success)
        skipped.push(`${env.name}/${s.id}: job "${s.job}" cannot be scheduled`);
      else
        schedules.push({
          id: `${env.name}-${s.id}`.replace(/[^\w.-]/g, '_'),
          job: s.job,
          cron: s.cron,
          tz: s.tz,
          data,
        });
    }
    const alerts = alertSchedule(env, jobs, options);
    if (alerts) schedules.push(alerts);
  }
  // Not from the inventory: the plan engine's own housekeeping, one for all environments.
  if (jobs.has(PLAN_SWEEP_JOB))
    schedules.push({
      id: 'plan-sweep',
      job: PLAN_SWEEP_JOB,
      cron: '',
      tz: 'UTC',
      every: 60_000,
      data: { meta: { requester: 'opsbot' } },
    });
  return { schedules, skipped };
}
