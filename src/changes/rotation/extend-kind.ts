import { z } from 'zod';
import { formatDuration } from '../../commands/parse-duration.js';
import { UserError } from '../../errors/user-error.js';
import type { Environment } from '../../inventory/schema.js';
import { environmentOf } from '../../jobs/job-deps.js';
import { type ChangeKind, defineChangeKind } from '../../plans/change-kind.js';
import type { PlanStore } from '../../plans/plan-store.js';
import { slackTime } from '../../plans/render-plan.js';
import { throwIfAborted } from '../../ports/call-options.js';
import type { Clock } from '../../ports/clock.js';
import type { JobQueue } from '../../queue/create-queue.js';
import { deploymentResource } from '../scale/resolve-targets.js';
import { extendPause } from './pause-lifecycle.js';
import type { PauseStore } from './pause-store.js';
import { rotatorOf } from './rotation-kind.js';

export const ROTATION_EXTEND_KIND = 'rotation.extend';

export const ExtendChange = z.object({
  environment: z.string().min(1),
  /** The pause being extended (its plan id). */
  pausePlanId: z.string(),
  /** The new end. */
  until: z.number().int().positive(),
});
export type ExtendChange = z.infer<typeof ExtendChange>;

export const ExtendLive = z.object({ pausePlanId: z.string().nullable(), until: z.number().nullable() });
export type ExtendLive = z.infer<typeof ExtendLive>;

export interface ExtendKindOptions {
  environments: ReadonlyMap<string, Environment>;
  plans: PlanStore;
  pauses: PauseStore;
  queue: JobQueue;
  clock: Clock;
}

/**
 * Moving the end of a rotation pause later. Extending is changing: it is a plan with the pause's own
 * approval rule (action `rotation.pause`), so one person cannot stretch an approved 1 h pause to 12 h.
 */
export function createExtendKind(opts: ExtendKindOptions): ChangeKind<ExtendChange, ExtendLive> {
  const envOf = (c: ExtendChange) => environmentOf({ environments: opts.environments }, c.environment);
  return defineChangeKind<ExtendChange, ExtendLive>({
    kind: ROTATION_EXTEND_KIND,
    action: () => 'rotation.pause',
    change: ExtendChange,
    live: ExtendLive,
    resources: (c) => [deploymentResource(rotatorOf(envOf(c)))],
    summary: (c) => `extend the key rotation pause in ${c.environment} to ${slackTime(c.until)}`,
    async readLive(c) {
      const pause = await opts.pauses.get(envOf(c).name);
      return { pausePlanId: pause?.planId ?? null, until: pause?.until ?? null };
    },
    afterOf: (c, before) => ({ ...before, until: c.until }),
    equals: (a, b) => a.pausePlanId === b.pausePlanId && a.until === b.until,
    validate(c, before) {
      if (before.pausePlanId !== c.pausePlanId || before.until === null)
        throw new UserError('That pause is over already (resumed or replaced); see `/rotation status`.');
      const env = envOf(c);
      const pause = before.until;
      const max = (env.rotation?.maxPauseHours ?? 0) * 3_600_000;
      if (c.until <= pause) throw new UserError('The pause already lasts that long.');
      if (c.until - opts.clock.now() > max)
        throw new UserError(
          `A pause of more than ${formatDuration(max)} from now is longer than ${env.name} allows (inventory rotation.maxPauseHours).`,
        );
    },
    async apply(c, { signal }) {
      const pause = await opts.pauses.get(envOf(c).name);
      if (pause?.planId !== c.pausePlanId)
        throw new UserError('That pause is over already; nothing was extended.');
      // Redis and the queue take no signal: an aborted run stops before it writes.
      throwIfAborted(signal);
      if (pause.until !== c.until) await extendPause(opts, pause, c.until, c.until);
    },
    invert: (c, before) => ({ ...c, until: before.until ?? c.until }),
    describe: (live) => (live.until === null ? 'no opsbot pause' : `paused until ${slackTime(live.until)}`),
  });
}
