import { z } from 'zod';
import { ROTATION_EXTEND_KIND } from '../../changes/rotation/extend-kind.js';
import { extendPause, type PauseDeps } from '../../changes/rotation/pause-lifecycle.js';
import { type PauseRecord, PauseStore } from '../../changes/rotation/pause-store.js';
import { ROTATION_KIND } from '../../changes/rotation/rotation-kind.js';
import { EXTEND_STEP_MS } from '../../changes/rotation/rotation-window.js';
import { UserError } from '../../errors/user-error.js';
import { failureText } from '../../plans/failure-text.js';
import { submitChange } from '../../plans/submit-change.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import { ClickActor } from '../click-actor.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

export const ROTATION_ACTION_JOB = 'rotation.action';

export const RotationActionPayload = z.object({
  action: z.enum(['extend', 'resume']),
  planId: z.string().regex(/^[\w-]{1,80}$/),
  actor: ClickActor,
  at: z.number().optional(),
  meta: JobMeta,
});

/** Extend / Resume now on a pause reminder (Resume now is also `/rotation resume`). */
export const rotationActionJob = defineJob({
  name: ROTATION_ACTION_JOB,
  payload: RotationActionPayload,
  attempts: 3,
  async process({ action, planId, actor }, ctx: { deps: JobDeps; jobId: string }) {
    const deps = ctx.deps;
    const pauses = new PauseStore(deps.redis, deps.prefix);
    const pause = await pauses.get(actor.environment);
    if (pause?.planId !== planId || pause.channel !== actor.channel)
      throw new UserError('That pause is over already (resumed or replaced); see `/rotation status`.');
    // Extending is changing: it becomes a plan with the pause's own approval rule.
    if (action === 'extend') return { planned: (await planExtension(deps, pause, actor, ctx.jobId)).jobId };
    const pauseDeps: PauseDeps = { plans: deps.plans, pauses, queue: deps.queue, clock: deps.clock };
    const result = await resumeNow(deps, pauseDeps, pause, actor, ctx.jobId);
    await deps.chat.post({
      channel: pause.channel,
      ...(pause.threadTs ? { threadTs: pause.threadTs } : {}),
      text: result.replace('{who}', `<@${actor.user}>`),
    });
    await deps.audit.append({
      at: deps.clock.now(),
      actor: actor.user,
      action: `rotation.${action}`,
      channel: actor.channel,
      environment: actor.environment,
      outcome: 'applied',
      detail: result.replace('{who}', actor.user),
      planId,
    });
    return { action };
  },
  async onFailed({ actor, planId }, ctx, failure) {
    await ctx.deps.chat.postEphemeral({
      channel: actor.channel,
      user: actor.user,
      text: failureText(failure, `Pause \`${planId}\``, planId),
    });
  },
});

interface Presser {
  user: string;
  channel: string;
  environment: string;
}

function planExtension(deps: JobDeps, pause: PauseRecord, actor: Presser, jobId: string) {
  const env = environmentOf(deps, pause.environment);
  const limit = deps.clock.now() + (env.rotation?.maxPauseHours ?? 0) * 3_600_000;
  const until = Math.min(pause.until + EXTEND_STEP_MS, limit);
  if (until <= pause.until)
    throw new UserError(
      `The pause already lasts the ${env.rotation?.maxPauseHours} h ${env.name} allows (inventory rotation.maxPauseHours).`,
    );
  return submitChange(deps, {
    kind: ROTATION_EXTEND_KIND,
    change: { environment: pause.environment, pausePlanId: pause.planId, until },
    environment: pause.environment,
    requester: actor.user,
    channel: pause.channel,
    ...(pause.threadTs ? { threadTs: pause.threadTs } : {}),
    jobId: `${jobId}-extend`,
  });
}

/**
 * Runs the pause's own resume (its scheduled revert, approved with it) right away. If that revert can no
 * longer run (the pause plan failed or was already reverted), a fresh resume plan is made instead.
 */
export async function resumeNow(
  deps: JobDeps,
  pauseDeps: PauseDeps,
  pause: PauseRecord,
  actor: Presser,
  jobId: string,
) {
  const plan = await deps.plans.get(pause.planId);
  if (plan?.status === 'applied' && !plan.revertedBy) {
    await extendPause(pauseDeps, pause, pauseDeps.clock.now(), undefined, actor.user);
    return ':arrow_forward: {who} resumes key rotation now.';
  }
  await submitChange(deps, {
    kind: ROTATION_KIND,
    change: { environment: pause.environment, paused: false, reason: 'resume now' },
    environment: pause.environment,
    requester: actor.user,
    channel: pause.channel,
    ...(pause.threadTs ? { threadTs: pause.threadTs } : {}),
    jobId: `${jobId}-resume`,
  });
  return `:arrow_forward: {who} asked to resume key rotation now; the pause's own resume can no longer run (plan ${pause.planId} is ${plan?.status ?? 'gone'}${plan?.revertedBy ? `, reverted by ${plan.revertedBy}` : ''}), so a resume plan follows for approval.`;
}
