import { UserError } from '../errors/user-error.js';
import { defineJob, type JobContext } from '../queue/define-job.js';
import { oneLine } from '../slack-text/escape-mrkdwn.js';
import { AccessDeniedError } from './access-rules.js';
import { applyPlan } from './apply-plan.js';
import { changeKindOf } from './change-kind.js';
import { continueSentence, failureText } from './failure-text.js';
import { type Plan, SYSTEM_ACTOR } from './plan.js';
import type { PlanDeps } from './plan-deps.js';
import { planIdFor } from './plan-id.js';
import {
  PLAN_APPLY_JOB,
  PLAN_EXPIRE_JOB,
  PLAN_REQUEST_JOB,
  PLAN_REVERT_JOB,
  PlanApplyPayload,
  PlanExpirePayload,
  PlanRequestPayload,
  PlanRevertPayload,
  PlanSweepPayload,
} from './plan-job-names.js';
import { planThread, refreshPlanMessage } from './post-plan-message.js';
import { slackTime } from './render-plan.js';
import { reportApplyFailure } from './report-plan-failure.js';
import { requestPlan } from './request-plan.js';
import { SupersededError } from './superseded-error.js';
import { sweepPlans } from './sweep-plans.js';

type Ctx = JobContext<PlanDeps>;

/** Reads live state and posts the plan (queued by submitChange and requestUndo). */
export const planRequestJob = defineJob({
  name: PLAN_REQUEST_JOB,
  payload: PlanRequestPayload,
  async process(p, ctx: Ctx) {
    const plan = await requestPlan(ctx.deps, {
      planId: planIdFor(ctx.jobId),
      kind: p.kind,
      change: p.change,
      environment: p.environment,
      requester: p.meta.requester,
      channel: p.meta.channel,
      ...(p.meta.threadTs ? { threadTs: p.meta.threadTs } : {}),
      ...(p.revertAfterMs ? { revertAfterMs: p.revertAfterMs } : {}),
      ...(p.revertUntil ? { revertUntil: p.revertUntil } : {}),
      ...(p.revertOf ? { revertOf: p.revertOf } : {}),
      ...(p.expectBefore !== undefined ? { expectBefore: p.expectBefore } : {}),
      signal: ctx.signal,
    });
    return { planId: plan.id };
  },
  async onFailed(p, ctx, failure) {
    // A refused Undo must not block the next one (by someone who may do it) behind its claim.
    if (p.revertOf) {
      const original = await ctx.deps.plans.get(p.revertOf);
      const claim = original?.undoPlan;
      if (claim?.startsWith(`${planIdFor(ctx.jobId)}@`))
        await ctx.deps.plans.compareAndSet(p.revertOf, 'undoPlan', claim, '');
    }
    await ctx.deps.chat.postEphemeral({
      channel: p.meta.channel,
      user: p.meta.requester,
      text: failureText(failure, 'Could not plan that'),
      ...(p.meta.threadTs ? { threadTs: p.meta.threadTs } : {}),
    });
    await auditPlanRefusal(ctx, p, failure.error, failure.userMessage);
  },
});

/** Refusals decided while planning (they need live state) are audited like those decided in the ack. */
async function auditPlanRefusal(ctx: Ctx, p: PlanRequestPayload, error: unknown, detail: string) {
  const kind = ctx.deps.kinds.get(p.kind);
  const change = kind?.change.safeParse(p.change);
  await ctx.deps.audit.append({
    at: ctx.deps.clock.now(),
    actor: p.meta.requester,
    action: kind && change?.success ? kind.action(change.data) : p.kind,
    channel: p.meta.channel,
    environment: p.environment,
    outcome:
      error instanceof AccessDeniedError ? 'denied' : error instanceof UserError ? 'refused' : 'failed',
    detail,
    jobId: ctx.jobId,
  });
}

/** Queued by approvePlan as `apply-<planId>`. */
export const planApplyJob = defineJob({
  name: PLAN_APPLY_JOB,
  payload: PlanApplyPayload,
  // Applies follow rollouts for minutes: they must not hold the workers that serve clicks and reads.
  lane: 'long',
  async process(p, ctx: Ctx) {
    const plan = await applyPlan(ctx.deps, p.planId, {
      ...(ctx.token ? { token: ctx.token } : {}),
      signal: ctx.signal,
    });
    return { planId: plan.id, verified: plan.verified ?? false };
  },
  async onFailed(p, ctx, failure) {
    // A replaced run stays quiet: the run that replaced it reports the outcome.
    if (failure.error instanceof SupersededError) return;
    await reportApplyFailure(ctx.deps, p.planId, failure, ctx.token);
  },
});

/**
 * Delayed job of a time-boxed plan (`revert-<planId>-<revertAt>`): makes and applies the inverse,
 * pre-approved. Moving the end (Extend, Resume now) schedules a new one; a job for an older end is moot.
 */
export const planRevertJob = defineJob({
  name: PLAN_REVERT_JOB,
  payload: PlanRevertPayload,
  async process(p, ctx: Ctx) {
    const plan = await ctx.deps.plans.get(p.planId);
    const stale = p.revertAt !== undefined && plan?.revertAt !== p.revertAt;
    if (plan?.status !== 'applied' || plan.revertedBy || stale) {
      ctx.log.info({ planId: p.planId, status: plan?.status, stale }, 'nothing to revert');
      return { skipped: true };
    }
    const kind = changeKindOf(ctx.deps.kinds, plan.kind);
    const change = kind.change.parse(plan.change);
    const before = kind.live.parse(plan.before);
    const approver = plan.approver ?? plan.requester;
    const thread = planThread(plan);
    // Someone who pressed Resume now ended it early: the revert is theirs to own, with the original approval.
    const reason = p.resumedBy
      ? `resumed early by <@${p.resumedBy}> (its resume was approved with plan \`${plan.id}\` by <@${approver}>)`
      : `scheduled revert of plan \`${plan.id}\`, approved with it by <@${approver}>`;
    const revert = await requestPlan(ctx.deps, {
      planId: planIdFor(ctx.jobId),
      kind: plan.kind,
      change: kind.invert(change, before, { why: p.resumedBy ? 'resumed early' : 'scheduled revert' }),
      environment: plan.environment,
      requester: SYSTEM_ACTOR,
      channel: plan.channel,
      ...(thread ? { threadTs: thread } : {}),
      revertOf: plan.id,
      expectBefore: kind.afterOf(change, before),
      preApproved: { approver, reason },
      signal: ctx.signal,
    });
    return { planId: revert.id };
  },
  async onFailed(p, ctx, failure) {
    const plan = await ctx.deps.plans.get(p.planId);
    if (!plan) return;
    const thread = planThread(plan);
    const kind = changeKindOf(ctx.deps.kinds, plan.kind);
    // A refused revert must not leave bookkeeping behind that promises it (e.g. "paused until 18:00").
    const tidied =
      failure.error instanceof UserError
        ? await kind.revertRefused?.(kind.change.parse(plan.change), plan.id).catch((err: unknown) => {
            ctx.log.warn({ err }, 'could not tidy after a refused revert');
            return undefined;
          })
        : undefined;
    const what = p.resumedBy
      ? `The early resume of plan \`${plan.id}\` (asked for by <@${p.resumedBy}>)`
      : `The scheduled revert of plan \`${plan.id}\``;
    await ctx.deps.chat.post({
      channel: plan.channel,
      text: `:warning: ${what} did not run: ${continueSentence(failure.userMessage)}${tidied ? `\n${tidied}` : ''}`,
      ...(thread ? { threadTs: thread } : {}),
    });
    await ctx.deps.audit.append({
      at: ctx.deps.clock.now(),
      actor: SYSTEM_ACTOR,
      action: plan.action,
      channel: plan.channel,
      environment: plan.environment,
      outcome: failure.error instanceof UserError ? 'refused' : 'failed',
      detail: `scheduled revert of ${plan.summary}: ${failure.userMessage}`,
      planId: plan.id,
      jobId: ctx.jobId,
    });
  },
});

/** Delayed to a plan's expiry (`expire-<planId>`): a plan still pending then loses its buttons. */
export const planExpireJob = defineJob({
  name: PLAN_EXPIRE_JOB,
  payload: PlanExpirePayload,
  // Housekeeping: behind clicks and commands, however many plans expire at once.
  priority: 10,
  attempts: 5,
  async process(p, ctx: Ctx) {
    const plan = await ctx.deps.plans.get(p.planId);
    if (!plan) return { expired: false };
    // At exactly expiresAt, so this explicit move is what happens (not the store's implicit one).
    const moved = await ctx.deps.plans.transition(plan.id, ['pending'], 'expired', plan.expiresAt);
    // Expired already: by this job's earlier run (whose message edit was put off), or by a late click.
    if (!moved.ok && moved.status !== 'expired') return { expired: false };
    // The requester is told once, with the audit entry (a re-run finds it written and stays quiet).
    if (await auditExpiry(ctx, plan)) await tellRequester(ctx, plan);
    // Never sit on a worker waiting for the channel's edit slot: come back when it is free.
    const wait = ctx.deps.pacer.nextAt(plan.channel) - ctx.deps.clock.now();
    if (wait > 0) return ctx.retryLater(wait + Math.floor(Math.random() * 250));
    await refreshPlanMessage(ctx.deps, plan.id, { strict: true });
    return { expired: true };
  },
});

/** True when this run wrote the entry. */
async function auditExpiry(ctx: Ctx, plan: Plan): Promise<boolean> {
  const id = await ctx.deps.audit.append(
    {
      at: ctx.deps.clock.now(),
      actor: SYSTEM_ACTOR,
      action: plan.action,
      channel: plan.channel,
      environment: plan.environment,
      outcome: 'expired',
      detail: `not decided in time: ${plan.summary}`,
      planId: plan.id,
    },
    // Audited once however often this job runs (it is re-run after a crash or a put-off message edit).
    { once: `expired-${plan.id}` },
  );
  return id !== '';
}

/** Best effort: a failed notice must not hold the expiry (the message edit is what matters). */
async function tellRequester(ctx: Ctx, plan: Plan): Promise<void> {
  if (plan.requester === SYSTEM_ACTOR) return;
  const text = `:hourglass: Your plan \`${plan.id}\` (${oneLine(plan.summary)}) expired ${slackTime(plan.expiresAt)} without an approval; nothing was changed. Run the command again for a fresh plan.`;
  await ctx.deps.chat
    .postEphemeral({
      channel: plan.channel,
      user: plan.requester,
      text,
      ...(plan.threadTs ? { threadTs: plan.threadTs } : {}),
    })
    .catch((err: unknown) => ctx.log.warn({ err, planId: plan.id }, 'could not tell the requester'));
}

export const PLAN_SWEEP_JOB = 'plan.sweep';

/** Every minute (a job scheduler): settles applies whose job ended unreported (see sweepPlans). */
export const planSweepJob = defineJob({
  name: PLAN_SWEEP_JOB,
  payload: PlanSweepPayload,
  priority: 10,
  attempts: 1,
  async process(_p, ctx: Ctx) {
    return { settled: await sweepPlans(ctx.deps) };
  },
});

/** Register these with the rest of the jobs. */
export const planJobs = [planRequestJob, planApplyJob, planRevertJob, planExpireJob, planSweepJob];
