import { createHash } from 'node:crypto';
import { z } from 'zod';
import { roleAllows } from '../../commands/command-spec.js';
import { UserError } from '../../errors/user-error.js';
import { Workshop as WorkshopConfig } from '../../inventory/schema.js';
import { postOnceIn } from '../../plans/post-once-in.js';
import { defineJob } from '../../queue/define-job.js';
import type { Logger } from '../../queue/logger.js';
import { code } from '../../slack-text/code.js';
import { parseStart } from '../../workshop/parse-start.js';
import { previewFacts } from '../../workshop/preview-facts.js';
import { renderPreview } from '../../workshop/render-workshop.js';
import { scheduleSample, scheduleSteps } from '../../workshop/schedule-steps.js';
import { capacityFor, overlapping } from '../../workshop/workshop-capacity.js';
import type { Workshop } from '../../workshop/workshop-record.js';
import { WorkshopStore } from '../../workshop/workshop-store.js';
import { timelineFor } from '../../workshop/workshop-timeline.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

export const WORKSHOP_PREP_JOB = 'workshop.prep';

const PrepArgs = z.object({
  users: z.number().int().positive(),
  start: z.string(),
  durationMs: z.number().int().positive(),
  name: z.string().optional(),
  env: z.string().optional(),
});

const MIN_LEAD_MS = 10 * 60_000;
const MAX_LEAD_MS = 90 * 86_400_000;

/**
 * `/workshop prep`: reads the start in the requester's Slack time zone, computes the capacity from the
 * inventory's table, runs the immediate checks at once, posts the preview (the timeline's thread) and
 * queues every later step as a durable delayed job. Safe to retry: the workshop id comes from the request.
 */
export const workshopPrepJob = defineJob({
  name: WORKSHOP_PREP_JOB,
  payload: commandJobPayload(PrepArgs),
  attempts: 3,
  lane: 'long',
  async process({ request, args }, ctx: { deps: JobDeps; log: Logger }) {
    const deps = ctx.deps;
    const env = environmentOf(deps, args.env ?? request.env);
    if (!roleAllows(await deps.roles.roleOf(env, request.user), 'operator'))
      throw new UserError(
        `\`/workshop prep --env ${env.name}\` needs the *operator* role in ${env.name}; nothing was scheduled.`,
      );
    const config = env.workshop ?? WorkshopConfig.parse({});
    if (args.users > config.maxUsers)
      throw new UserError(
        `${args.users} users is more than ${env.name} takes for a workshop (inventory workshop.maxUsers: ${config.maxUsers}).`,
      );
    const store = new WorkshopStore(deps.redis, deps.prefix);
    const id = `w-${createHash('sha256').update(request.id).digest('hex').slice(0, 8)}`;
    const w =
      (await store.get(id)) ?? (await createWorkshop(deps, store, id, request, args, env.name, config));
    const facts = (await store.preview(id)) as Parameters<typeof renderPreview>[1];
    const posted = await postOnceIn(store.slotStore(id), deps, 'preview', `${id}:preview`, {
      channel: w.channel,
      ...renderPreview(w, facts),
    });
    await store.setThread(id, posted.ts);
    const stored = (await store.get(id))!;
    await scheduleSteps(deps, stored);
    await scheduleSample(deps, stored, Math.max(deps.clock.now(), stored.start - 3_600_000));
    return { workshop: id, start: new Date(w.start).toISOString() };
  },
});

async function createWorkshop(
  deps: JobDeps,
  store: WorkshopStore,
  id: string,
  request: { user: string; channel: string },
  args: z.output<typeof PrepArgs>,
  envName: string,
  config: WorkshopConfig,
): Promise<Workshop> {
  const env = environmentOf(deps, envName);
  const now = deps.clock.now();
  const tz = (await deps.chat.userTimeZone(request.user)) ?? 'UTC';
  const start = parseStart(args.start, tz, now);
  if (start < now + MIN_LEAD_MS)
    throw new UserError(
      `The start (${new Date(start).toISOString()}) is in the past or less than 10 minutes away; nothing was scheduled.`,
    );
  if (start > now + MAX_LEAD_MS)
    throw new UserError('The start is more than 90 days away; prepare it closer to the date.');
  const end = start + args.durationMs;
  const name = args.name ?? `workshop-${new Date(start).toISOString().slice(0, 10)}`;
  const existing = await store.list(env.name, now);
  if (existing.some((o) => o.name === name && o.state === 'scheduled'))
    throw new UserError(`A workshop named ${code(name)} is already scheduled in ${env.name}.`, {
      hint: `Pick another with --name, or \`/workshop cancel ${name}\` first.`,
    });
  const capacity = capacityFor(env, args.users);
  const doc = {
    id,
    name,
    environment: env.name,
    users: args.users,
    start,
    end,
    tz,
    requester: request.user,
    channel: request.channel,
    createdAt: now,
    targets: capacity.targets,
  };
  const steps = timelineFor(start, end, now, config);
  const draft: Workshop = { ...doc, state: 'scheduled', steps };
  const others = overlapping(draft, existing);
  const pauseUntil = Math.max(steps['wind-down'].at, ...others.map((o) => o.steps['wind-down'].at));
  const { facts } = await previewFacts(deps, { env, capacity, start, end, pauseUntil });
  if (others.length)
    facts.notes.push(
      `overlaps ${others.map((o) => code(o.name)).join(', ')}: the overlap gets the larger capacity, and the wind-down waits for the last to end`,
    );
  // Facts first: a retry that finds the workshop must find what its preview shows.
  await store.setPreview(id, facts);
  await store.create(doc, steps);
  await deps.audit.append({
    at: now,
    actor: request.user,
    action: 'workshop.prep',
    channel: request.channel,
    environment: env.name,
    outcome: 'requested',
    detail: `${name}: ${args.users} users, ${new Date(start).toISOString()} for ${Math.round(args.durationMs / 60_000)} min`,
  });
  return (await store.get(id))!;
}
