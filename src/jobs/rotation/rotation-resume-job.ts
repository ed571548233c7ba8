import { z } from 'zod';
import { PauseStore } from '../../changes/rotation/pause-store.js';
import { ROTATION_KIND } from '../../changes/rotation/rotation-kind.js';
import { submitChange } from '../../plans/submit-change.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { ROTATION_ACTION_JOB } from './rotation-action-job.js';

/**
 * `/rotation resume`: an opsbot pause ends now through its own resume (approved with the pause);
 * a rotator stopped some other way gets a resume plan.
 */
export const rotationResumeJob = defineJob({
  name: 'rotation.resume',
  payload: commandJobPayload(z.object({ reason: z.string().optional() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps; jobId: string }) {
    const pause = await new PauseStore(ctx.deps.redis, ctx.deps.prefix).get(request.env);
    if (pause) {
      await ctx.deps.queue.enqueue(
        ROTATION_ACTION_JOB,
        {
          action: 'resume',
          planId: pause.planId,
          actor: {
            user: request.user,
            role: request.role,
            channel: request.channel,
            environment: request.env,
          },
          meta: { requester: request.user, channel: request.channel, environment: request.env },
        },
        { jobId: `${ctx.jobId}-resume` },
      );
      return { resumed: pause.planId };
    }
    const queued = await submitChange(ctx.deps, {
      kind: ROTATION_KIND,
      change: { environment: request.env, paused: false, ...(args.reason ? { reason: args.reason } : {}) },
      environment: request.env,
      requester: request.user,
      channel: request.channel,
      jobId: `${ctx.jobId}-plan`,
    });
    return { planned: queued.jobId };
  },
});
