import type { Environment } from '../../inventory/schema.js';
import { environmentOf } from '../../jobs/job-deps.js';
import { type ChangeKind, combineProgress, defineChangeKind } from '../../plans/change-kind.js';
import type { PlanStore } from '../../plans/plan-store.js';
import { planThread } from '../../plans/post-plan-message.js';
import type { Chat } from '../../ports/chat.js';
import type { Clock } from '../../ports/clock.js';
import type { Clusters } from '../../ports/clusters.js';
import type { ProgressPacer } from '../../queue/create-progress-reporter.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { followRollout } from './follow-rollout.js';
import { readScaleLive } from './read-scale-live.js';
import { renderScalePlan, scaleWarnings } from './render-scale-plan.js';
import { deploymentResource, type ResolvedItem, resolveTargets } from './resolve-targets.js';
import { ScaleChange, ScaleLive } from './scale-change.js';

export interface ScaleKindOptions {
  environments: ReadonlyMap<string, Environment>;
  clusters: Clusters;
  plans: PlanStore;
  chat: Chat;
  clock: Clock;
  pacer: ProgressPacer;
  /** How long a rollout may take before it is reported as stuck (default 5 min, on `clock`). */
  rolloutDeadlineMs?: number;
  rolloutPollMs?: number;
}

export const SCALE_KIND = 'scale.replicas';

/** Replica counts of inventory deployments, through the `scale` subresource; apply follows the rollout. */
export function createScaleKind(opts: ScaleKindOptions): ChangeKind<ScaleChange, ScaleLive> {
  const resolve = (c: ScaleChange) =>
    resolveTargets(environmentOf({ environments: opts.environments }, c.environment), c);
  const kind: ChangeKind<ScaleChange, ScaleLive> = {
    kind: SCALE_KIND,
    action: () => 'scale.apply',
    change: ScaleChange,
    live: ScaleLive,
    precheck: (c) => void resolve(c),
    resources: (c) => resolve(c).map((i) => deploymentResource(i.deployment)),
    summary: (c) => summaryOf(c),
    // Applying reads only the replica counts, and a failing read stays transient (the job retries).
    readLive: (c, context) =>
      context?.phase === 'apply'
        ? readScaleLive(opts.clusters, resolve(c), false, false, context.signal)
        : readScaleLive(opts.clusters, resolve(c), true, true, context?.signal),
    afterOf(c, before) {
      const targets = { ...before.targets };
      for (const { deployment, replicas } of resolve(c))
        targets[deployment.target] = { desired: replicas, ready: targets[deployment.target]?.ready ?? 0 };
      return { ...before, targets };
    },
    equals: (a, b) => {
      const keys = new Set([...Object.keys(a.targets), ...Object.keys(b.targets)]);
      return [...keys].every((k) => a.targets[k]?.desired === b.targets[k]?.desired);
    },
    progress(live, before, after) {
      const states = Object.keys(after.targets).map((t) => {
        // "before" first: a target the plan leaves as it is counts as not yet done, never as a conflict.
        const now = live.targets[t]?.desired;
        if (now === before.targets[t]?.desired) return 'before';
        return now === after.targets[t]?.desired ? 'after' : 'conflict';
      });
      return combineProgress(states);
    },
    async apply(c, { live, signal }) {
      // A resumed run skips the targets its earlier run already scaled; an aborted one starts no other.
      for (const { deployment: d, replicas } of resolve(c))
        if (live.targets[d.target]?.desired !== replicas)
          await opts.clusters.client(d.cluster).scaleDeployment(d.namespace, d.name, replicas, { signal });
    },
    async verify(c, _after, context) {
      const plan = context ? await opts.plans.get(context.planId) : undefined;
      const items = resolve(c);
      if (!plan) return { ok: true, detail: describeItems(items) };
      const thread = planThread(plan);
      return followRollout(
        {
          clusters: opts.clusters,
          chat: opts.chat,
          clock: opts.clock,
          pacer: opts.pacer,
          deadlineMs: opts.rolloutDeadlineMs ?? 5 * 60_000,
          pollMs: opts.rolloutPollMs ?? 500,
          ...(context ? { signal: context.signal } : {}),
        },
        items,
        { channel: plan.channel, ...(thread ? { threadTs: thread } : {}) },
      );
    },
    invert: (c, before, context) => ({
      environment: c.environment,
      items: resolve(c).map(({ deployment }) => ({
        target: deployment.target,
        replicas: before.targets[deployment.target]?.desired ?? deployment.replicas.default,
      })),
      reason: context?.why ?? 'undo',
    }),
    // The inverse holds the counts from before the plan: the commands that set them by hand.
    revertAdvice: (c) =>
      `To set it by hand: ${c.items
        .map((i) => `\`/scale ${i.target} ${i.replicas}\``)
        .join(
          ', ',
        )} (the count before the plan), or \`/scale reset ${c.items.length === 1 ? c.items[0]!.target : 'all'}\` for the inventory default.`,
    describeProgress(live, before, after) {
      return Object.keys(after.targets)
        .filter((t) => after.targets[t]?.desired !== before.targets[t]?.desired)
        .map((t) => {
          const now = live.targets[t]?.desired;
          const want = after.targets[t]?.desired;
          return now === want
            ? `\`${t}\` at ${now} (done)`
            : `\`${t}\` still at ${now ?? '?'} (planned ${want})`;
        })
        .join(', ');
    },
    describe: (live) =>
      Object.entries(live.targets)
        .map(([t, s]) => `\`${t}\` ${s.desired} desired`)
        .join(', '),
    render: (plan) => renderScalePlan(resolve(plan.change), plan.before),
    warnings: (c, before) => scaleWarnings(resolve(c), before),
  };
  return defineChangeKind(kind);
}

function summaryOf(c: ScaleChange): string {
  const parts = c.items.map((i) => {
    const what = i.target === '*' ? 'every deployment' : `\`${i.target}\``;
    return i.replicas === 'default'
      ? `reset ${what} to the inventory default`
      : `scale ${what} to ${i.replicas}`;
  });
  return `${parts.join(', ')}${c.reason ? ` (${untrusted(c.reason)})` : ''}`;
}

function describeItems(items: ResolvedItem[]): string {
  return items.map((i) => `\`${i.deployment.target}\` → ${i.replicas}`).join(', ');
}
