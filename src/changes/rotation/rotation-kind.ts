import { formatDuration } from '../../commands/parse-duration.js';
import { UserError } from '../../errors/user-error.js';
import type { Deployment, Environment } from '../../inventory/schema.js';
import { environmentOf } from '../../jobs/job-deps.js';
import { type ChangeKind, defineChangeKind } from '../../plans/change-kind.js';
import type { PlanStore } from '../../plans/plan-store.js';
import { slackTime } from '../../plans/render-plan.js';
import { throwIfAborted } from '../../ports/call-options.js';
import type { Clock } from '../../ports/clock.js';
import type { Clusters } from '../../ports/clusters.js';
import type { JobQueue } from '../../queue/create-queue.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { clusterRead } from '../scale/cluster-read.js';
import { deploymentResource } from '../scale/resolve-targets.js';
import { endPause, startPause } from './pause-lifecycle.js';
import type { PauseStore } from './pause-store.js';
import { RotationChange, RotationLive } from './rotation-change.js';
import { nextRotationWindow } from './rotation-window.js';

export interface RotationKindOptions {
  environments: ReadonlyMap<string, Environment>;
  clusters: Clusters;
  plans: PlanStore;
  pauses: PauseStore;
  queue: JobQueue;
  clock: Clock;
}

export const ROTATION_KIND = 'rotation.pause';

/** The key rotator paused (scaled to 0) or running; a pause's scheduled revert is its resume. */
export function createRotationKind(opts: RotationKindOptions): ChangeKind<RotationChange, RotationLive> {
  const envOf = (c: RotationChange) => environmentOf({ environments: opts.environments }, c.environment);
  const kind: ChangeKind<RotationChange, RotationLive> = {
    kind: ROTATION_KIND,
    action: (c) => (c.paused ? 'rotation.pause' : 'rotation.resume'),
    change: RotationChange,
    live: RotationLive,
    precheck: (c) => checkPauseLength(envOf(c), c),
    resources: (c) => [deploymentResource(rotatorOf(envOf(c)))],
    summary: (c) =>
      c.paused
        ? `pause key rotation ${c.until ? `until ${new Date(c.until).toISOString().slice(0, 16).replace('T', ' ')} UTC` : `for ${formatDuration(c.forMs ?? 0)}`}${c.reason ? ` (${untrusted(c.reason)})` : ''}`
        : `resume key rotation${c.reason ? ` (${untrusted(c.reason)})` : ''}`,
    async readLive(c, context) {
      const env = envOf(c);
      checkPauseLength(env, c);
      const d = rotatorOf(env);
      const client = opts.clusters.client(d.cluster);
      const secret = env.rotation!.secret;
      // Only planning turns an unreachable cluster into a user message; applying retries instead.
      const read = context?.phase === 'apply' ? <T>(p: Promise<T>) => p : clusterRead;
      const call = { signal: context?.signal };
      const [state, lastRotatedAt] = await Promise.all([
        read(client.getDeployment(d.namespace, d.name, call)),
        read(client.secretUpdatedAt(secret.namespace, secret.name, call)).catch(() => undefined),
      ]);
      throwIfAborted(context?.signal);
      if (!state)
        throw new UserError(`The key rotator ${d.namespace}/${d.name} does not exist in ${d.cluster}.`);
      return {
        replicas: state.desired,
        readAt: opts.clock.now(),
        ...(lastRotatedAt !== undefined ? { lastRotatedAt } : {}),
      };
    },
    afterOf: (c, before) => ({
      ...before,
      replicas: c.paused ? 0 : Math.max(1, rotatorOf(envOf(c)).replicas.default),
    }),
    equals: (a, b) => a.replicas === b.replicas,
    async apply(c, { planId, live, after, revertAt, signal }) {
      const env = envOf(c);
      const d = rotatorOf(env);
      // The pause is recorded (with its reminder) before the rotator stops, so no crash can leave it
      // stopped unrecorded; a resumed run skips the scale it already made. An aborted run (its lock lost)
      // stops before each step: the run that replaced it does them.
      throwIfAborted(signal);
      if (c.paused) await startPause(opts, env, planId, c, revertAt ?? c.until);
      if (live.replicas !== after.replicas)
        await opts.clusters
          .client(d.cluster)
          .scaleDeployment(d.namespace, d.name, after.replicas, { signal });
      throwIfAborted(signal);
      if (!c.paused) await endPause(opts, env, planId);
    },
    async applyFailed(c, planId) {
      if (!c.paused) return undefined;
      const env = envOf(c);
      const pause = await opts.pauses.get(env.name);
      if (pause?.planId !== planId) return undefined;
      const d = rotatorOf(env);
      const state = await opts.clusters.client(d.cluster).getDeployment(d.namespace, d.name);
      if (state && state.desired > 0) {
        // The rotator never stopped: the pause recorded ahead of it did not happen.
        if (pause.reminderJobId) await opts.queue.remove(pause.reminderJobId);
        await opts.pauses.clear(env.name);
        return 'Key rotation was not paused (the rotator still runs); nothing to resume.';
      }
      return `The rotator is at 0 although the plan failed: rotation stays paused until someone resumes it — the reminder before ${slackTime(pause.until)} offers Resume now, or run \`/rotation resume\`.`;
    },
    async revertRefused(c) {
      // The scheduled resume found the rotator changed by someone else: it runs again, so the pause is over.
      if (!c.paused) return undefined;
      const env = envOf(c);
      const pause = await opts.pauses.get(env.name);
      if (!pause) return undefined;
      if (pause.reminderJobId) await opts.queue.remove(pause.reminderJobId);
      await opts.pauses.clear(env.name);
      return `The pause record for ${env.name} was cleared: the rotator was restarted outside opsbot, so rotation is no longer paused by opsbot (see \`/rotation status\`).`;
    },
    revertAdvice: (c, live) =>
      c.paused
        ? 'To pause it again, run `/rotation pause --for <duration>`.'
        : `The rotator runs (${kind.describe(live)}): nothing to resume; \`/rotation status\` shows it.`,
    invert: (c, _before, context) => ({
      environment: c.environment,
      paused: !c.paused,
      ...(context?.why ? { reason: context.why } : {}),
    }),
    describe: (live) =>
      live.replicas === 0
        ? 'paused (rotator at 0 replicas)'
        : `running (${live.replicas} replica${live.replicas === 1 ? '' : 's'})`,
    render: ({ change, before, after }) => {
      const env = envOf(change);
      const window = nextRotationWindow(env, before.lastRotatedAt);
      const last = before.lastRotatedAt ? slackTime(before.lastRotatedAt) : 'unknown';
      const next = window ? `${slackTime(window.from)} – ${slackTime(window.to)}` : 'unknown';
      const end = change.until ?? (change.forMs ? before.readAt + change.forMs : undefined);
      const until = change.paused && end ? ` until ${slackTime(end)}` : '';
      const lines = [
        `*Key rotator* \`${rotatorOf(env).name}\`: ${kind.describe(before)} → *${kind.describe(after)}*${until}`,
        `Last rotation: ${last} · next expected: ${next}`,
      ];
      return [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
    },
    warnings: (c, before) => rotationWarnings(envOf(c), c, before),
  };
  return defineChangeKind(kind);
}

export function rotatorOf(env: Environment): Deployment {
  const target = env.rotation?.deployment;
  const d = env.deployments.find((x) => x.target === target);
  if (!env.rotation || !d) throw new UserError(`${env.name} has no key rotation in its inventory.`);
  return d;
}

function checkPauseLength(env: Environment, c: RotationChange): void {
  if (!c.paused) return;
  const max = (env.rotation?.maxPauseHours ?? 0) * 3_600_000;
  if (!c.forMs) throw new UserError('Say how long to pause: `--for 3h` or `--until 18:00`.');
  if (c.forMs > max)
    throw new UserError(
      `A pause of ${formatDuration(c.forMs)} is longer than the ${formatDuration(max)} ${env.name} allows (inventory rotation.maxPauseHours).`,
    );
}

function rotationWarnings(env: Environment, c: RotationChange, before: RotationLive): string[] {
  if (!c.paused || !c.forMs) return [];
  if (before.lastRotatedAt === undefined)
    return [
      'Could not tell when the key last rotated, so whether a rotation falls due during the pause is unknown.',
    ];
  const window = nextRotationWindow(env, before.lastRotatedAt);
  const end = before.readAt + c.forMs;
  if (!window || window.from > end) return [];
  return [
    `A key rotation is due ${slackTime(window.from)} – ${slackTime(window.to)}, before this pause ends (${slackTime(end)}): the rotator will rotate soon after it resumes, restarting every workspace. Extend the pause if that lands inside the workshop.`,
  ];
}
