import { z } from 'zod';
import { AlertStore } from '../../alerts/alert-store.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import type { Logger } from '../../queue/logger.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { deliverAlerts } from './deliver-alerts.js';

export const ALERTS_DELIVER_JOB = 'alerts.deliver';

export const AlertsDeliverPayload = z.object({ meta: JobMeta, environment: z.string() });

/** A delivery job id per environment and second: two runs leaving work for the same slot queue one job. */
export const alertsDeliverJobId = (environment: string, at: number) =>
  `alerts-deliver-${environment}-${Math.ceil(at / 1000)}`;

/**
 * Sends the alert messages an evaluation run left for later (a burst paced at one message per second per
 * channel): what the pace allows now, then the worker is given back until the next slot (`retryLater`),
 * never held waiting. Ends once nothing is left.
 */
export const alertsDeliverJob = defineJob({
  name: ALERTS_DELIVER_JOB,
  payload: AlertsDeliverPayload,
  attempts: 5,
  async process(
    { environment },
    ctx: { deps: JobDeps; log: Logger; retryLater(ms: number): Promise<never> },
  ) {
    const deps = ctx.deps;
    const env = environmentOf(deps, environment);
    const store = new AlertStore(deps.redis, deps.prefix);
    const unlock = await store.tryLock(env.name, 30_000, 'deliver');
    // An evaluation (which delivers too) or another delivery holds the environment: look again shortly.
    if (!unlock) return ctx.retryLater(500 + Math.floor(Math.random() * 500));
    let left: number | undefined;
    try {
      const r = await deliverAlerts(deps, env, store, { log: ctx.log });
      left = r.nextAt;
    } finally {
      await unlock();
    }
    if (left !== undefined) return ctx.retryLater(Math.max(1, left - deps.clock.now()));
    return { delivered: true };
  },
});
