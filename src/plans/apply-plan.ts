import { randomBytes } from 'node:crypto';
import { TransientError } from '../errors/transient-error.js';
import { ConflictError, UserError } from '../errors/user-error.js';
import { BusyError } from '../locks/busy-error.js';
import { withLocks } from '../locks/with-lock.js';
import { announceApplied } from './announce-applied.js';
import type { AnyChangeKind, VerifyResult } from './change-kind.js';
import { changeKindOf, progressOf } from './change-kind.js';
import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { refreshPlanMessage } from './post-plan-message.js';
import { SupersededError } from './superseded-error.js';

/** One run of the apply job: its fencing token and the signal aborted when BullMQ takes the job away. */
export interface ApplyRun {
  token: string;
  signal: AbortSignal;
}

/**
 * The apply step: fence the run, lock the resources, re-read live state, refuse if it moved away from the
 * plan's "before", apply, verify, then announce. Safe to run again after a crash or a transient failure:
 * a resumed run finishes targets still at "before" and leaves those at "after" alone, and a run that was
 * replaced (stalled worker) can no longer move the plan.
 */
export async function applyPlan(deps: PlanDeps, planId: string, run?: Partial<ApplyRun>): Promise<Plan> {
  const token = run?.token ?? randomBytes(8).toString('hex');
  const outer = run?.signal ?? new AbortController().signal;
  const start = await deps.plans.transition(planId, ['approved', 'applying'], 'applying', deps.clock.now(), {
    runToken: token,
  });
  if (!start.ok) {
    // Crashed after recording the result but before announcing it.
    if (start.status === 'applied') return announceApplied(deps, planId);
    throw new UserError(`Plan ${planId} is ${start.status}; nothing was applied.`);
  }
  let plan = (await deps.plans.get(planId))!;
  plan = await fixRevertAt(deps, plan);
  await refreshPlanMessage(deps, planId);
  const kind = changeKindOf(deps.kinds, plan.kind);
  const resumed = start.from === 'applying';
  if (!resumed && plan.revertUntil && plan.revertUntil <= deps.clock.now())
    throw new UserError(
      `Not applied: this change was to end at ${new Date(plan.revertUntil).toISOString()}, which has passed.`,
      { hint: 'Run the command again with a later end.' },
    );
  const verdict = await lockAndApply(deps, kind, plan, resumed, token, outer);
  const now = deps.clock.now();
  const done = await deps.plans.transition(
    planId,
    ['applying'],
    'applied',
    now,
    {
      result: verdict.detail,
      verified: String(verdict.ok),
      // `--for` counts from when the change is in effect (after its rollout), not from when it started.
      ...(plan.revertAfterMs && !plan.revertAt ? { revertAt: now + plan.revertAfterMs } : {}),
    },
    token,
  );
  if (!done.ok && done.fenced) throw new SupersededError(planId);
  return announceApplied(deps, planId);
}

/**
 * Takes the plan's resource locks (in this run's name) and applies under them. A lock still held by a
 * crashed earlier run of this same plan lapses with its TTL: the job waits for that, it never steals it.
 */
async function lockAndApply(
  deps: PlanDeps,
  kind: AnyChangeKind,
  plan: Plan,
  resumed: boolean,
  token: string,
  outer: AbortSignal,
): Promise<VerifyResult> {
  const holder = `plan ${plan.id}`;
  const locks = kind
    .resources(plan.change)
    .map((resource) => ({ key: `${deps.prefix}:lock:${resource}`, resource }));
  const ttl = deps.lockTtlMs ?? 30_000;
  try {
    return await withLocks(
      deps.redis,
      locks,
      ttl,
      async (held) => {
        // One signal for the run: aborted when its job lock or any resource lock is lost. Every adapter call
        // of the kind takes it, so the request in flight is cancelled and nothing after it is started.
        const signal = AbortSignal.any([outer, ...held.map((l) => l.signal)]);
        // Checked with the locks held: a run replaced while it waited must not touch anything.
        await assertOwner(deps, plan.id, token);
        try {
          return await applyLocked(kind, plan, resumed, signal);
        } catch (err) {
          if (signal.aborted) throw stoppedRun(plan.id, signal, err);
          throw err;
        }
      },
      { holder },
    );
  } catch (err) {
    if (err instanceof BusyError && err.holder === holder)
      throw new TransientError(`the previous run of plan ${plan.id} still holds ${err.resource}`, {
        retryAfterMs: ttl,
        cause: err,
      });
    throw err;
  }
}

/**
 * Whatever a cancelled step threw, this run stopped because it lost a lock: transient (a retry resumes the
 * plan where it stands), never the change's own failure, and never a raw abort reason (BullMQ's is a string).
 */
function stoppedRun(planId: string, signal: AbortSignal, cause: unknown): TransientError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  return new TransientError(
    `plan ${planId}: this apply run stopped (${reason}) before it finished; it started nothing after that`,
    { cause },
  );
}

/** An absolute end (`--until`) is the revert time as given; record it before anything is applied. */
async function fixRevertAt(deps: PlanDeps, plan: Plan): Promise<Plan> {
  if (plan.revertAt || !plan.revertUntil) return plan;
  await deps.plans.update(plan.id, { revertAt: plan.revertUntil });
  return { ...plan, revertAt: plan.revertUntil };
}

async function assertOwner(deps: PlanDeps, planId: string, token: string): Promise<void> {
  const current = await deps.plans.get(planId);
  if (current?.runToken !== token) throw new SupersededError(planId);
}

async function applyLocked(
  kind: AnyChangeKind,
  plan: Plan,
  resumed: boolean,
  signal: AbortSignal,
): Promise<VerifyResult> {
  const change = kind.change.parse(plan.change);
  const before = kind.live.parse(plan.before);
  const after = kind.afterOf(change, before);
  const live = kind.live.parse(await kind.readLive(change, { phase: 'apply', signal }));
  const progress = progressOf(kind, live, before, after);
  // A first run must find the plan's before state; a resumed one may find its own earlier work done.
  if (progress === 'conflict' || (!resumed && progress !== 'before'))
    throw new ConflictError(
      'Not applied: the live value changed after this plan was made, so it no longer shows what would change',
      kind.describe(live),
    );
  signal.throwIfAborted();
  await kind.apply(change, {
    planId: plan.id,
    signal,
    live,
    after,
    ...(plan.revertAt ? { revertAt: plan.revertAt } : {}),
  });
  if (kind.verify) return kind.verify(change, after, { planId: plan.id, signal });
  const now = kind.live.parse(await kind.readLive(change, { phase: 'apply', signal }));
  return kind.equals(now, after)
    ? { ok: true, detail: `live state is ${kind.describe(now)}` }
    : { ok: false, detail: `expected ${kind.describe(after)}, found ${kind.describe(now)}` };
}
