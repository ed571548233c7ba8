import { z } from 'zod';
import { extendPause, type PauseDeps } from '../../changes/rotation/pause-lifecycle.js';
import { type PauseRecord, PauseStore } from '../../changes/rotation/pause-store.js';
import { EXTEND_STEP_MS } from '../../changes/rotation/rotation-window.js';
import { UserError } from '../../errors/user-error.js';
import { Role } from '../../inventory/schema.js';
import { slackTime } from '../../plans/render-plan.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

export const ROTATION_ACTION_JOB = 'rotation.action';

export const RotationActionPayload = z.object({
  action: z.enum(['extend', 'resume']),
  planId: z.string().regex(/^[\w-]{1,80}$/),
  actor: z.object({ user: z.string(), role: Role, channel: z.string(), environment: z.string() }),
  meta: JobMeta,
});

/** Extend / Resume now on a pause reminder (Resume now is also `/rotation resume`). */
export const rotationActionJob = defineJob({
  name: ROTATION_ACTION_JOB,
  payload: RotationActionPayload,
  attempts: 3,
  async process({ action, planId, actor }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const pauses = new PauseStore(deps.redis, deps.prefix);
    const pause = await pauses.get(actor.environment);
    if (pause?.planId !== planId)
      throw new UserError('That pause is over already (resumed or replaced); see `/rotation status`.');
    const pauseDeps: PauseDeps = { plans: deps.plans, pauses, queue: deps.queue, clock: deps.clock };
    const result =
      action === 'extend'
        ? await extend(deps, pauseDeps, pause)
        : await resumeNow(deps, pauseDeps, pause, actor.user);
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
      detail: result
        .replace('{who}', actor.user)
        .replace(/<!date\^(\d+)[^>]*>/g, (_, s) => new Date(Number(s) * 1000).toISOString()),
      planId,
    });
    return { action };
  },
  async onFailed({ actor, planId }, ctx, failure) {
    await ctx.deps.chat.postEphemeral({
      channel: actor.channel,
      user: actor.user,
      text: `:no_entry: Pause \`${planId}\`: ${failure.userMessage}`,
    });
  },
});

async function extend(deps: JobDeps, pauseDeps: PauseDeps, pause: PauseRecord): Promise<string> {
  const env = environmentOf(deps, pause.environment);
  const limit = pause.since + (env.rotation?.maxPauseHours ?? 0) * 3_600_000;
  const until = Math.min(pause.until + EXTEND_STEP_MS, limit);
  if (until <= pause.until)
    throw new UserError(
      `The pause already lasts the ${env.rotation?.maxPauseHours} h ${env.name} allows (inventory rotation.maxPauseHours).`,
    );
  await extendPause(pauseDeps, pause, until);
  const capped = until === limit ? ' (the longest pause allowed)' : '';
  return `:arrow_right: {who} extended the key rotation pause to ${slackTime(until)}${capped}.`;
}

/** Runs the pause's own resume (its scheduled revert, approved with it) right away. */
export async function resumeNow(_deps: JobDeps, pauseDeps: PauseDeps, pause: PauseRecord, _user: string) {
  await extendPause(pauseDeps, pause, pauseDeps.clock.now());
  return ':arrow_forward: {who} resumes key rotation now.';
}
