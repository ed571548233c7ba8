import { ConflictError, UserError } from '../errors/user-error.js';
import { type AnyChangeKind, changeKindOf } from './change-kind.js';
import { markPendingTargets, pendingPlanFor } from './pending-targets.js';
import type { Plan } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { applyJobId, expireJobId, PLAN_APPLY_JOB, PLAN_EXPIRE_JOB } from './plan-job-names.js';
import { postPlanMessage } from './post-plan-message.js';
import { who } from './render-plan.js';

export interface PlanRequest {
  /** Stable per request (derived from the job id), so a retried plan job finds its plan instead of making two. */
  planId: string;
  kind: string;
  change: unknown;
  environment: string;
  requester: string;
  channel: string;
  threadTs?: string;
  /** Time-boxed change: the inverse is applied automatically this long after it is applied. */
  revertAfterMs?: number;
  /** Or at this absolute time. */
  revertUntil?: number;
  revertOf?: string;
  /** For undo/revert: the state the original plan left; a difference means someone changed it since. */
  expectBefore?: unknown;
  /** Scheduled reverts are approved with the plan they revert; they get no buttons. */
  preApproved?: { approver: string; reason: string };
  /** How long it waits for approval, when not the inventory's `planTtlMinutes` (a workshop's day-ahead plan). */
  ttlMs?: number;
  /** Context shown with the plan (why it was made, what follows it), ahead of the kind's own warnings. */
  notes?: string[];
  /** The run's signal: reading the "before" stops when the run loses its lock (not stored with the plan). */
  signal?: AbortSignal;
}

/**
 * Reads the live state (the plan's "before"), stores the plan and posts it with Approve / Cancel.
 * Runs inside a job: reading live state talks to the outside world. Safe to retry.
 */
export async function requestPlan(deps: PlanDeps, request: PlanRequest): Promise<Plan> {
  let plan = (await deps.plans.get(request.planId)) ?? (await createPlan(deps, request));
  if (!plan.messageTs) plan = await postPlanMessage(deps, plan);
  // Scheduled reverts and incident-mode plans are approved when made and applied straight away.
  if (plan.automatic !== undefined && plan.status === 'approved')
    await deps.queue.enqueue(
      PLAN_APPLY_JOB,
      { planId: plan.id, meta: { requester: request.requester, channel: plan.channel } },
      { jobId: applyJobId(plan.id) },
    );
  return plan;
}

async function createPlan(deps: PlanDeps, request: PlanRequest): Promise<Plan> {
  const kind = changeKindOf(deps.kinds, request.kind);
  const change = kind.change.parse(request.change);
  const access = deps.access(request.environment);
  const incident = !request.preApproved && kind.incident?.(change) === true;
  if (incident && !access.incidentWaiver)
    throw new UserError(
      `Incident mode is not allowed in ${request.environment} (inventory access.incidentWaiver).`,
      {
        hint: 'Run the command again without --incident and ask a second person to approve.',
      },
    );
  if (!request.preApproved && !incident)
    await checkPendingCap(deps, request, access.maxPendingPlansPerUser ?? 10);
  const live = kind.live.parse(
    await kind.readLive(change, { phase: 'plan', ...(request.signal ? { signal: request.signal } : {}) }),
  );
  kind.validate?.(change, live);
  const warnings = [...(request.notes ?? []), ...(kind.warnings?.(change, live) ?? [])];
  if (request.expectBefore !== undefined && !kind.equals(live, kind.live.parse(request.expectBefore))) {
    const original = `plan \`${request.revertOf ?? '?'}\``;
    if (request.preApproved) refuseRevert(kind, change, live);
    warnings.push(
      `The value was changed by someone else after ${original} was applied; this plan starts from the current value (${kind.describe(live)}).`,
    );
  }
  if (kind.equals(live, kind.afterOf(change, live)))
    throw new UserError(
      `Nothing to change: ${kind.summary(change)} would leave it as it is (${kind.describe(live)}).`,
    );
  const resources = kind.resources(change);
  const other = request.preApproved
    ? undefined
    : await pendingPlanFor(deps, request.environment, resources, request.planId);
  if (other) warnings.unshift(duplicateWarning(other));
  const now = deps.clock.now();
  const doc = {
    id: request.planId,
    kind: kind.kind,
    action: kind.action(change),
    environment: request.environment,
    summary: kind.summary(change, live),
    change,
    before: live,
    requester: request.requester,
    channel: request.channel,
    createdAt: now,
    expiresAt: now + (request.ttlMs ?? access.planTtlMinutes * 60_000),
    warnings,
    ...(request.threadTs ? { threadTs: request.threadTs } : {}),
    ...(request.revertAfterMs ? { revertAfterMs: request.revertAfterMs } : {}),
    ...(request.revertUntil ? { revertUntil: request.revertUntil } : {}),
    ...(request.revertOf ? { revertOf: request.revertOf } : {}),
    ...(request.preApproved ? { automatic: request.preApproved.reason } : {}),
    ...(incident ? { automatic: incidentNote(request.requester) } : {}),
  };
  const initial = request.preApproved
    ? ({ status: 'approved', approver: request.preApproved.approver } as const)
    : incident
      ? ({ status: 'approved', approver: request.requester } as const)
      : ({ status: 'pending' } as const);
  const waiver = incident
    ? `incident mode: ${doc.action} applied by its requester without a second approval`
    : undefined;
  const created = await deps.plans.create(doc, initial);
  if (initial.status === 'pending') {
    await deps.plans.indexPending(doc.environment, doc.requester, doc.id, doc.expiresAt);
    await markPendingTargets(deps, doc, resources);
  }
  if (created && waiver) await deps.plans.update(doc.id, { waiver });
  // So the buttons go away and the audit says so when nobody decides in time.
  if (initial.status === 'pending')
    await deps.queue.enqueue(
      PLAN_EXPIRE_JOB,
      { planId: doc.id, meta: { requester: doc.requester, channel: doc.channel } },
      { jobId: expireJobId(doc.id), delayMs: doc.expiresAt - now },
    );
  await deps.audit.append({
    at: now,
    actor: request.requester,
    action: doc.action,
    channel: doc.channel,
    environment: doc.environment,
    outcome: 'requested',
    detail: request.preApproved ? `${doc.summary} (${request.preApproved.reason})` : doc.summary,
    planId: doc.id,
  });
  if (waiver)
    await deps.audit.append({
      at: now,
      actor: request.requester,
      action: doc.action,
      channel: doc.channel,
      environment: doc.environment,
      outcome: 'approved',
      detail: `${doc.summary} (incident mode)`,
      planId: doc.id,
      waiver,
    });
  return (await deps.plans.get(doc.id))!;
}

/**
 * A scheduled revert (approved with its plan) never overwrites what someone changed since: it stops, and says
 * either that the value is already back where the revert would leave it, or what to run by hand.
 */
function refuseRevert(kind: AnyChangeKind, change: unknown, live: unknown): never {
  const now = kind.describe(live);
  if (kind.equals(live, kind.afterOf(change, live)))
    throw new UserError(
      `someone changed the value since the plan was applied, and it is already where the revert would leave it (${now}); nothing to do.`,
    );
  throw new ConflictError(
    `someone changed the value since the plan was applied, and reverting (${kind.summary(change)}) would overwrite their change`,
    now,
    {
      hint:
        kind.revertAdvice?.(change, live) ??
        'If it should still change, plan it again from the current value.',
    },
  );
}

/** A flood of plans (a script, a stuck key) is refused before it reads anything or posts anything. */
async function checkPendingCap(deps: PlanDeps, request: PlanRequest, cap: number): Promise<void> {
  const pending = await deps.plans.pendingOf(request.environment, request.requester, deps.clock.now());
  if (pending.filter((id) => id !== request.planId).length >= cap)
    throw new UserError(
      `You already have ${pending.length} plans waiting for approval in ${request.environment} (the limit is ${cap}); nothing was planned.`,
      {
        hint: 'Cancel the ones you no longer need (opsbot’s App Home tab lists them), or wait for them to be decided.',
      },
    );
}

/**
 * Posted with a warning rather than refused: both stay visible to the approvers, and whichever is applied
 * first makes the other one stale (its apply finds the live state moved and refuses).
 */
function duplicateWarning(other: Plan): string {
  return `Plan \`${other.id}\` for the same target is already waiting for approval in <#${other.channel}> (${other.summary}, asked by ${who(other.requester)}). Once one is applied the other is refused as stale: cancel the one you do not want.`;
}

function incidentNote(requester: string): string {
  return `:rotating_light: Incident mode: applied at once by <@${requester}> without a second approval (two-person rule waived)`;
}
