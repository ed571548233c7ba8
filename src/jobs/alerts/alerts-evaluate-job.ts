import { z } from 'zod';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import type { Logger } from '../../queue/logger.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { evaluateAlerts } from './evaluate-alerts.js';

export const ALERTS_EVALUATE_JOB = 'alerts.evaluate';

export const AlertsEvaluatePayload = z.object({
  meta: JobMeta,
  environment: z.string(),
  /** Every check's interval, overriding the inventory's (the sandbox's 15 s). */
  everySeconds: z.number().int().positive().optional(),
});

/**
 * One scheduler tick of an environment's alert checks (a BullMQ job scheduler per environment at its
 * smallest check interval, so one run fires per tick however many scheduler replicas there are): the
 * checks whose own interval has passed run. Not retried: the next tick comes within the interval anyway.
 */
export const alertsEvaluateJob = defineJob({
  name: ALERTS_EVALUATE_JOB,
  payload: AlertsEvaluatePayload,
  attempts: 1,
  async process({ environment, everySeconds }, ctx: { deps: JobDeps; log: Logger; signal: AbortSignal }) {
    const summary = await evaluateAlerts(ctx.deps, environmentOf(ctx.deps, environment), {
      log: ctx.log,
      signal: ctx.signal,
      scheduled: true,
      ...(everySeconds !== undefined ? { everySeconds } : {}),
    });
    if (summary.unknownChecks.length)
      ctx.log.warn({ environment, checks: summary.unknownChecks }, 'inventory alerts name unknown checks');
    return summary;
  },
});
