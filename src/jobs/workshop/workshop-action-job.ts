import { z } from 'zod';
import { roleAllows } from '../../commands/command-spec.js';
import { UserError } from '../../errors/user-error.js';
import { cancelPlan } from '../../plans/cancel-plan.js';
import { defineJob } from '../../queue/define-job.js';
import type { Logger } from '../../queue/logger.js';
import { code } from '../../slack-text/code.js';
import { postInThread } from '../../workshop/post-in-thread.js';
import { refreshPreview } from '../../workshop/refresh-preview.js';
import { renderWorkshopList, renderWorkshopStatus } from '../../workshop/render-workshop.js';
import { scheduleSteps, stepJobId } from '../../workshop/schedule-steps.js';
import { STEPS, type StepName, type Workshop } from '../../workshop/workshop-record.js';
import { WorkshopStore } from '../../workshop/workshop-store.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { readableEnvironment } from '../readable-environment.js';

export const WORKSHOP_ACTION_JOB = 'workshop.action';
const RECENT_MS = 7 * 86_400_000;

const ActionArgs = z.object({
  action: z.enum(['status', 'list', 'cancel', 'end']),
  name: z.string().optional(),
  env: z.string().optional(),
});

/** `/workshop status|list|cancel|end`: reads answer the caller only; cancel and end are audited and told in the thread. */
export const workshopActionJob = defineJob({
  name: WORKSHOP_ACTION_JOB,
  payload: commandJobPayload(ActionArgs),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps; log: Logger }) {
    const deps = ctx.deps;
    const env = await readableEnvironment(deps, request, args.env, {
      command: `/workshop ${args.action}`,
      action: `workshop.${args.action}`,
    });
    if (!env) return { denied: args.env ?? request.env };
    const store = new WorkshopStore(deps.redis, deps.prefix);
    const now = deps.clock.now();
    const all = await store.list(env.name, now - RECENT_MS);
    const tell = (m: { text: string; blocks?: Record<string, unknown>[] }) =>
      deps.chat.postEphemeral({ channel: request.channel, user: request.user, ...m });
    if (args.action === 'list') {
      await tell(renderWorkshopList(env.name, all));
      return { workshops: all.length };
    }
    const w = pick(all, args.name, args.action === 'status', env.name);
    if (args.action === 'status') {
      await tell(renderWorkshopStatus(w));
      return { workshop: w.id };
    }
    if (!roleAllows(await deps.roles.roleOf(env, request.user), 'operator'))
      throw new UserError(
        `\`/workshop ${args.action}\` needs the *operator* role in ${env.name}; nothing was changed.`,
      );
    if (w.state !== 'scheduled')
      throw new UserError(`Workshop ${code(w.name)} is ${w.state} already; nothing was changed.`);
    const result =
      args.action === 'cancel'
        ? await cancel(deps, store, w, request.user)
        : await endNow(deps, store, w, request.user);
    await deps.audit.append({
      at: now,
      actor: request.user,
      action: `workshop.${args.action}`,
      channel: request.channel,
      environment: env.name,
      outcome: args.action === 'cancel' ? 'cancelled' : 'applied',
      detail: `${w.name}: ${result}`,
    });
    await postInThread(deps, store, w, `${args.action}-${now}`, {
      text: `:${args.action === 'cancel' ? 'no_entry_sign' : 'checkered_flag'}: <@${request.user}> ${args.action === 'cancel' ? 'cancelled' : 'ended'} workshop ${code(w.name)}: ${result}`,
    });
    await refreshPreview(deps, store, w.id, ctx.log);
    await tell({ text: `:white_check_mark: Workshop ${code(w.name)}: ${result}` });
    return { workshop: w.id, [args.action]: true };
  },
});

/** By name (the newest of that name), else for status the next upcoming one. */
function pick(all: Workshop[], name: string | undefined, anyOk: boolean, env: string): Workshop {
  if (name) {
    const found = all.filter((w) => w.name === name).at(-1);
    if (found) return found;
    throw new UserError(`No workshop named ${code(name)} in ${env} (recent or upcoming).`, {
      hint: all.length
        ? `Known: ${all.map((w) => code(w.name)).join(', ')}`
        : 'Plan one with `/workshop prep <users> <start>`.',
    });
  }
  const upcoming = all.filter((w) => w.state === 'scheduled');
  if (anyOk && (upcoming[0] ?? all.at(-1))) return (upcoming[0] ?? all.at(-1))!;
  throw new UserError(
    anyOk ? `No workshops in ${env}.` : 'Say which workshop: give its name (`/workshop list` shows them).',
  );
}

/** Drops every step still to come, cancels the workshop's pending plans, then restores what it changed (the wind-down, now). */
async function cancel(deps: JobDeps, store: WorkshopStore, w: Workshop, actor: string): Promise<string> {
  await store.setState(w.id, 'cancelled');
  const now = deps.clock.now();
  const dropped = await dropSteps(
    deps,
    store,
    w,
    ['checklist', 'scale-up', 'go-no-go', 'summary'],
    `cancelled by <@${actor}>`,
  );
  let cancelled = 0;
  for (const id of STEPS.flatMap((s) => w.steps[s].planIds)) {
    const plan = await deps.plans.get(id);
    if (plan?.status !== 'pending') continue;
    await cancelPlan(deps, { planId: id, actor: plan.requester, actorRole: 'operator', now }).catch(() => {});
    cancelled++;
  }
  await moveStep(deps, store, w, 'wind-down', now);
  return `${dropped} scheduled steps dropped, ${cancelled} pending plans cancelled; anything it changed is being restored in this thread.`;
}

/** Skips what has not run before the end, and runs the wind-down now and the summary right after. */
async function endNow(deps: JobDeps, store: WorkshopStore, w: Workshop, actor: string): Promise<string> {
  const now = deps.clock.now();
  await dropSteps(
    deps,
    store,
    w,
    ['checklist', 'scale-up', 'go-no-go'],
    `skipped: ended early by <@${actor}>`,
  );
  await moveStep(deps, store, w, 'wind-down', now);
  await moveStep(deps, store, w, 'summary', now + 60_000);
  return 'the wind-down runs now (scale back, rotation resumes) and the summary follows in this thread.';
}

async function dropSteps(
  deps: JobDeps,
  store: WorkshopStore,
  w: Workshop,
  steps: StepName[],
  why: string,
): Promise<number> {
  let n = 0;
  for (const step of steps) {
    const s = w.steps[step];
    if (s.status !== 'scheduled') continue;
    await deps.queue.remove(stepJobId(w.id, step, s.at));
    await store.updateStep(w.id, step, { status: 'skipped', detail: why }, deps.clock.now());
    n++;
  }
  return n;
}

/** Re-times a step that has not run: a new job for the new time; the old one skips itself (its `at` differs). */
async function moveStep(
  deps: JobDeps,
  store: WorkshopStore,
  w: Workshop,
  step: StepName,
  at: number,
): Promise<void> {
  const s = w.steps[step];
  if (s.status !== 'scheduled') return;
  await deps.queue.remove(stepJobId(w.id, step, s.at));
  await store.updateStep(w.id, step, { at }, deps.clock.now());
  await scheduleSteps(deps, (await store.get(w.id))!, [step]);
}
