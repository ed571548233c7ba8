import type { Environment } from '../inventory/schema.js';
import type { JobRegistry } from '../queue/define-job.js';
import type { ScheduleSpec } from '../queue/sync-job-schedulers.js';

/**
 * The inventory's `schedules` as job schedulers. A schedule naming a job opsbot doesn't have (yet)
 * is skipped with a reason rather than failing the start.
 */
export function inventorySchedules(
  environments: ReadonlyMap<string, Environment>,
  jobs: JobRegistry<unknown>,
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
  }
  return { schedules, skipped };
}
