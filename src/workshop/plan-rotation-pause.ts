import { CHANGE_KINDS } from '../changes/change-kinds.js';
import { ROTATION_EXTEND_KIND } from '../changes/rotation/extend-kind.js';
import { PauseStore } from '../changes/rotation/pause-store.js';
import { nextRotationWindow } from '../changes/rotation/rotation-window.js';
import { findTarget } from '../changes/scale/resolve-targets.js';
import { UserError } from '../errors/user-error.js';
import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { planIdFor } from '../plans/plan-id.js';
import { slackTime } from '../plans/render-plan.js';
import { requestPlan } from '../plans/request-plan.js';
import { code } from '../slack-text/code.js';
import type { Workshop } from './workshop-record.js';

export interface RotationOutcome {
  /** ok: rotation cannot restart workspaces during the workshop; pending: a plan waits for approval. */
  state: 'ok' | 'pending' | 'none';
  line: string;
  planIds: string[];
}

/**
 * Key rotation must not restart every workspace mid-workshop: pause it until `until` (the last overlapping
 * workshop's wind-down) with a normal plan, extend an opsbot pause that ends sooner, or leave one that
 * already covers it. The pause resumes by itself at its end (its scheduled revert).
 */
export async function planRotationPause(
  deps: JobDeps,
  env: Environment,
  w: Workshop,
  until: number,
  signal?: AbortSignal,
): Promise<RotationOutcome> {
  if (!env.rotation) return { state: 'none', line: 'no key rotation in this environment', planIds: [] };
  const pause = await new PauseStore(deps.redis, deps.prefix).get(env.name);
  if (pause && pause.until >= until)
    return { state: 'ok', line: `already paused until ${slackTime(pause.until)}`, planIds: [] };
  const due = await rotationDue(deps, env);
  const dueText = due && due < until ? ` A rotation is due ${slackTime(due)}, inside the workshop.` : '';
  const common = {
    environment: env.name,
    requester: w.requester,
    channel: w.channel,
    ...(w.threadTs ? { threadTs: w.threadTs } : {}),
    ttlMs: Math.max(15 * 60_000, w.start - deps.clock.now()),
    ...(signal ? { signal } : {}),
    notes: [`For workshop ${code(w.name)}: rotation resumes by itself ${slackTime(until)}.${dueText}`],
  };
  if (pause) {
    const planId = planIdFor(`workshop-${w.id}-rotation-extend-${until}`);
    await requestPlan(deps, {
      ...common,
      planId,
      kind: ROTATION_EXTEND_KIND,
      change: { environment: env.name, pausePlanId: pause.planId, until },
    });
    return {
      state: 'pending',
      line: `paused until ${slackTime(pause.until)}, which is too early: extension to ${slackTime(until)} waits for approval (\`${planId}\`)`,
      planIds: [planId],
    };
  }
  const planId = planIdFor(`workshop-${w.id}-rotation-pause-${until}`);
  try {
    await requestPlan(deps, {
      ...common,
      planId,
      kind: CHANGE_KINDS.rotation,
      change: {
        environment: env.name,
        paused: true,
        forMs: until - deps.clock.now(),
        until,
        reason: `workshop ${w.name}`,
      },
      revertUntil: until,
    });
  } catch (err) {
    // The rotator is at 0 already (paused by hand): nothing can rotate.
    if (err instanceof UserError && /^Nothing to change/.test(err.message))
      return {
        state: 'ok',
        line: 'the rotator is already at 0 replicas (paused outside opsbot)',
        planIds: [],
      };
    throw err;
  }
  const plan = await deps.plans.get(planId);
  const state = plan?.status === 'applied' ? 'ok' : 'pending';
  return {
    state,
    line:
      state === 'ok'
        ? `paused until ${slackTime(until)}`
        : `pause until ${slackTime(until)} waits for approval (\`${planId}\`).${dueText}`,
    planIds: [planId],
  };
}

/** When the next rotation is expected to start, if the rotator's secret says when it last ran. */
async function rotationDue(deps: JobDeps, env: Environment): Promise<number | undefined> {
  if (!env.rotation) return undefined;
  try {
    const d = findTarget(env, env.rotation.deployment);
    const last = await deps.clusters
      .client(d.cluster)
      .secretUpdatedAt(env.rotation.secret.namespace, env.rotation.secret.name);
    return nextRotationWindow(env, last)?.from;
  } catch {
    return undefined;
  }
}
