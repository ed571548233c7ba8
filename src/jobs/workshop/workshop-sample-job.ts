import { z } from 'zod';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import { readSample } from '../../workshop/read-sample.js';
import { SAMPLE_EVERY_MS, scheduleSample, WORKSHOP_SAMPLE_JOB } from '../../workshop/schedule-steps.js';
import { WorkshopSamples } from '../../workshop/workshop-samples.js';
import { WorkshopStore } from '../../workshop/workshop-store.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

/**
 * One sample of the summary's figures, then the next one queued: a chain of delayed jobs from an hour
 * before the start to the wind-down. After a long outage the chain resumes from now (no burst of catch-up).
 */
export const workshopSampleJob = defineJob({
  name: WORKSHOP_SAMPLE_JOB,
  payload: z.object({ workshopId: z.string(), at: z.number(), meta: JobMeta }),
  attempts: 2,
  priority: 5,
  async process(p, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const w = await new WorkshopStore(deps.redis, deps.prefix).get(p.workshopId);
    if (w?.state !== 'scheduled') return { skipped: w?.state ?? 'gone' };
    const now = deps.clock.now();
    await new WorkshopSamples(deps.redis, deps.prefix).add(
      w.id,
      await readSample(deps, environmentOf(deps, w.environment), now),
    );
    await scheduleSample(deps, w, Math.max(p.at + SAMPLE_EVERY_MS, now + 60_000));
    return { sampled: now };
  },
});
