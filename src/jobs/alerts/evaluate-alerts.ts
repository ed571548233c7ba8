import { checkIntervals, dueChecks, schedulerTickMs } from '../../alerts/alert-schedule.js';
import { type AlertState, alertId, type Observation } from '../../alerts/alert-state.js';
import { AlertStore, RESOLVED_KEPT_MS } from '../../alerts/alert-store.js';
import { renderEscalation, renderResolution } from '../../alerts/render-alert.js';
import { stepAlert } from '../../alerts/step-alert.js';
import { ALL_CHECKS } from '../../checks/all-checks.js';
import type { Check, CheckReport, CheckResult, CheckStatus } from '../../checks/check.js';
import { createCheckContext } from '../../checks/check-context.js';
import { checkDeadlines } from '../../checks/check-deadlines.js';
import { runChecks } from '../../checks/run-checks.js';
import type { AlertSeverity, Environment } from '../../inventory/schema.js';
import { scopedSignal } from '../../ports/call-options.js';
import type { Logger } from '../../queue/logger.js';
import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { activeWorkshops } from '../../workshop/active-workshops.js';
import type { Workshop } from '../../workshop/workshop-record.js';
import { FixStore } from '../diagnose/fix-store.js';
import type { JobDeps } from '../job-deps.js';
import { ALERTS_DELIVER_JOB, alertsDeliverJobId } from './alerts-deliver-job.js';
import { alertChannel, alertKey, deliverAlerts } from './deliver-alerts.js';

export interface EvaluationSummary {
  fired: string[];
  resolved: string[];
  /** Alert messages edited by this run's delivery pass. */
  edited: number;
  escalated: string[];
  /** The checks this run ran: every configured one, or for a scheduled run those due. */
  ran: string[];
  /** Configured check ids that no check answers to. */
  unknownChecks: string[];
  /** Another run held the environment's lock: this one did nothing. */
  skipped?: boolean;
  /** Messages the channels' pace left for later (an `alerts.deliver` job sends them), from this time on. */
  pendingUntil?: number;
}

export interface EvaluateOptions {
  log?: Logger;
  /**
   * A scheduler tick: only the checks whose interval has passed since they last ran (kept in Redis).
   * Otherwise (a manual run) every check runs.
   */
  scheduled?: boolean;
  /** Replaces every check's interval (the sandbox's 15 s). */
  everySeconds?: number;
  /** How long this run may wait for a channel's next slot before leaving the rest to `alerts.deliver` (default 3 s). */
  waitMs?: number;
  /** Queue `alerts.deliver` for what is left (default true; a simulation delivers at its own pace). */
  followUp?: boolean;
  /** The job's signal: the run's reads stop when it aborts. */
  signal?: AbortSignal;
  /** The checks to look up ids in (default: every `/diagnose` check). */
  checks?: readonly Check[];
}

const FAILING: Record<'warn' | 'fail', CheckStatus[]> = { warn: ['warn', 'fail'], fail: ['fail'] };

/** A delivery pass holds the lock for one message at a time: an evaluation waits that long for it. */
const DELIVERY_WAIT_MS = 5_000;

/**
 * One evaluation run for an environment: runs its alert checks (those due, for a scheduled run) through the
 * check engine and steps every fingerprint's state (hysteresis); then what changed goes to Slack, paced per
 * channel: a post when an alert fires, an edit when what it shows changed, the resolution in its thread,
 * the on-call mention once when due. What the pace leaves is sent by an `alerts.deliver` job.
 */
export async function evaluateAlerts(
  deps: JobDeps,
  env: Environment,
  opts: EvaluateOptions = {},
): Promise<EvaluationSummary> {
  const cfg = env.alerts;
  const summary: EvaluationSummary = {
    fired: [],
    resolved: [],
    edited: 0,
    escalated: [],
    ran: [],
    unknownChecks: [],
  };
  if (!cfg || cfg.checks.length === 0) return summary;
  const store = new AlertStore(deps.redis, deps.prefix);
  const unlock = await lockForEvaluation(store, env.name);
  if (!unlock) return { ...summary, skipped: true };
  try {
    const now = deps.clock.now();
    const byId = new Map((opts.checks ?? ALL_CHECKS).map((c) => [c.id, c]));
    summary.unknownChecks = cfg.checks.filter((c) => !byId.has(c.id)).map((c) => c.id);
    const due = opts.scheduled
      ? new Set(
          dueChecks(
            checkIntervals(cfg, opts.everySeconds),
            await store.lastRuns(env.name),
            now,
            schedulerTickMs(cfg, opts.everySeconds),
          ),
        )
      : undefined;
    const wanted = cfg.checks.filter((c) => byId.has(c.id) && (!due || due.has(c.id)));
    summary.ran = wanted.map((c) => c.id);
    // The environment's deadlines only: a scheduled run is not given a test's or bench's roomier ones.
    const { deadlineMs, partDeadlineMs } = checkDeadlines(env);
    const run = scopedSignal(opts.signal);
    const reports = wanted.length
      ? await runChecks(
          wanted.map((c) => byId.get(c.id)!),
          createCheckContext(env, deps, now, { partDeadlineMs }, run.signal),
          {
            clock: deps.clock,
            deadlineMs,
            onError: (checkId, err) => opts.log?.warn({ err, checkId, env: env.name }, 'alert check failed'),
          },
        ).finally(run.finish)
      : [];
    await store.markRuns(env.name, summary.ran, now);
    const states = new Map((await store.all(env.name)).map((s) => [s.id, s]));
    const fixes = new FixStore(deps.redis, deps.prefix);
    for (const report of reports) {
      const rule = wanted.find((c) => c.id === report.id)!;
      const failing = new Map<string, CheckResult>();
      for (const r of report.results)
        if (FAILING[rule.fireOn].includes(r.status)) failing.set(alertId(env.name, report.id, r.subject), r);
      // A check that could not look everywhere cannot say what passed: absent fingerprints keep their state.
      const blind = report.results.some((r) => r.status === 'unknown');
      const ids = new Set([
        ...failing.keys(),
        ...[...states.values()].filter((s) => s.checkId === report.id).map((s) => s.id),
      ]);
      for (const id of ids) {
        const result = failing.get(id);
        if (!result && blind) continue;
        const known = states.get(id);
        // A resolved alert whose messages still wait for their turn starts no new cycle until they are out.
        if (known?.phase === 'resolved' && undelivered(known)) continue;
        const prev = known ?? fresh(env, report, rule.severity, result!, now, id);
        const observation: Observation | undefined = result
          ? { summary: result.summary, evidence: result.evidence }
          : undefined;
        const { next, effect } = stepAlert(prev, observation, cfg, now);
        let state = next;
        if (effect === 'forget') {
          await store.delete(env.name, id);
          continue;
        }
        if (effect === 'fire') {
          state = await fire(deps, env, fixes, state, result?.remediation, now);
          summary.fired.push(id);
        } else if (effect === 'refresh' && result?.remediation && state.fixId) {
          // The fix button outlives a diagnosis's hour: its stored fix is renewed while the alert fires.
          await storeFix(fixes, env, state, result.remediation, now);
        } else if (effect === 'resolve') {
          state = {
            ...state,
            outbox: [
              ...state.outbox,
              { text: renderResolution(state), key: `${alertKey(state)}-resolved`, at: now },
            ],
          };
          await audit(deps, env, 'alert.resolve', state, 'resolved');
          summary.resolved.push(id);
        }
        await store.put(await withLatestDecisions(store, state));
      }
    }
    for (const s of await store.all(env.name)) {
      const escalated = await escalate(deps, env, s, now);
      if (escalated) {
        await store.put(await withLatestDecisions(store, escalated));
        summary.escalated.push(s.id);
      }
      // Resolved alerts are listed by `/ops alerts` for a day, then forgotten.
      if (
        s.phase === 'resolved' &&
        s.resolvedAt !== undefined &&
        now - s.resolvedAt > RESOLVED_KEPT_MS &&
        !undelivered(s)
      )
        await store.delete(env.name, s.id);
    }
    const delivery = await deliverAlerts(deps, env, store, {
      waitMs: opts.waitMs ?? 3_000,
      ...(opts.log ? { log: opts.log } : {}),
    });
    summary.edited = delivery.edited;
    if (delivery.nextAt !== undefined) {
      summary.pendingUntil = delivery.nextAt;
      if (opts.followUp !== false) await followUp(deps, env.name, delivery.nextAt, opts.log);
    }
    return summary;
  } finally {
    await unlock();
  }
}

/** The environment's lock; a delivery pass holding it is waited for (it is short), another evaluation is not. */
async function lockForEvaluation(store: AlertStore, environment: string) {
  const deadline = Date.now() + DELIVERY_WAIT_MS;
  for (;;) {
    const unlock = await store.tryLock(environment, 60_000);
    if (unlock) return unlock;
    if ((await store.lockOwner(environment)) !== 'deliver' || Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Slack has not yet seen everything this alert's state says: its message, or a reply. */
function undelivered(s: AlertState): boolean {
  return (s.phase !== 'pending' && !s.message) || s.outbox.length > 0;
}

/** Queues the delivery of what the pace left (a job per environment and slot; it requeues itself). */
async function followUp(deps: JobDeps, environment: string, at: number, log?: Logger): Promise<void> {
  try {
    await deps.queue.enqueue(
      ALERTS_DELIVER_JOB,
      { meta: { requester: 'opsbot', environment }, environment },
      { jobId: alertsDeliverJobId(environment, at), delayMs: Math.max(1, at - deps.clock.now()) },
    );
  } catch (err) {
    // The next run delivers them instead.
    log?.warn({ err, environment }, 'could not queue the alert delivery');
  }
}

/** Acknowledge / Snooze pressed while this run was checking: keep them (same firing cycle only). */
async function withLatestDecisions(store: AlertStore, state: AlertState): Promise<AlertState> {
  const latest = await store.get(state.environment, state.id);
  if (!latest || latest.firingSince !== state.firingSince) return state;
  return {
    ...state,
    ...(latest.ack && !state.ack ? { ack: latest.ack } : {}),
    ...((latest.snoozedUntil ?? 0) > (state.snoozedUntil ?? 0)
      ? { snoozedUntil: latest.snoozedUntil, snoozedBy: latest.snoozedBy }
      : {}),
    // The button's own edit of the message: what it shows now.
    ...((latest.renderedAt ?? 0) > (state.renderedAt ?? 0)
      ? { rendered: latest.rendered, renderedAt: latest.renderedAt }
      : {}),
  };
}

function fresh(
  env: Environment,
  report: CheckReport,
  severity: AlertSeverity,
  result: CheckResult,
  now: number,
  id: string,
): AlertState {
  return {
    id,
    environment: env.name,
    checkId: report.id,
    title: report.title,
    subject: result.subject,
    severity,
    phase: 'pending',
    failing: 0,
    passing: 0,
    firstSeenAt: now,
    last: { summary: result.summary, evidence: result.evidence },
    outbox: [],
  };
}

/**
 * An alert starts firing: its severity (raised during a workshop), its fix, the lines for the workshops'
 * threads, the audit entry. The message itself goes out with the delivery pass (found again after a crash
 * by its key), so a burst of alerts keeps the channel's pace.
 */
async function fire(
  deps: JobDeps,
  env: Environment,
  fixes: FixStore,
  state: AlertState,
  remediation: CheckResult['remediation'],
  now: number,
): Promise<AlertState> {
  // During a workshop an alert matters more: one severity up, and told in the workshop's thread too.
  const workshops = await activeWorkshops(deps, env.name, now);
  const raised: AlertState = workshops.length ? { ...state, severity: RAISED[state.severity] } : state;
  let next: AlertState = remediation
    ? { ...raised, fixId: fixes.newId(), fixLabel: remediation.label }
    : raised;
  const key = alertKey(next);
  next = {
    ...next,
    outbox: [
      ...next.outbox,
      ...workshops.map((w) => ({
        text: workshopLine(w, next),
        key: `${key}-${w.id}`,
        to: { channel: w.channel, threadTs: w.threadTs! },
        at: now,
      })),
    ],
  };
  if (remediation && next.fixId) await storeFix(fixes, env, next, remediation, now);
  await audit(deps, env, 'alert.fire', next, `fired: ${state.checkId}`);
  return next;
}

const RAISED: Record<AlertSeverity, AlertSeverity> = {
  info: 'warning',
  warning: 'critical',
  critical: 'critical',
};

/** The line in the workshop's thread pointing at the alert (once per firing, found again after a crash). */
function workshopLine(w: Workshop, state: AlertState): string {
  return `:rotating_light: During workshop ${code(w.name)}: *${state.severity.toUpperCase()}* ${untrusted(state.title)} — ${untrusted(state.subject)} (raised one severity for the workshop): ${state.last.summary}`;
}

/**
 * The check's remediation under the id the alert's fix button carries; plans go to the alert's thread
 * (its channel until the message is out; the delivery pass adds the thread).
 */
function storeFix(
  fixes: FixStore,
  env: Environment,
  state: AlertState,
  remediation: NonNullable<CheckResult['remediation']>,
  now: number,
): Promise<void> {
  return fixes.put({
    id: state.fixId!,
    environment: env.name,
    channel: state.message?.channel ?? alertChannel(env, state.severity),
    ...(state.message ? { threadTs: state.message.ts } : {}),
    checkId: state.checkId,
    kind: remediation.kind,
    change: remediation.change,
    label: remediation.label,
    ...(remediation.revertAfterMs ? { revertAfterMs: remediation.revertAfterMs } : {}),
    createdAt: now,
  });
}

/**
 * Calls the on-call group once, when an alert fires unacknowledged (and not snoozed) past the delay: the
 * mention goes to the alert's thread with the delivery pass. Returns the escalated state, if it escalates.
 */
async function escalate(
  deps: JobDeps,
  env: Environment,
  state: AlertState,
  now: number,
): Promise<AlertState | undefined> {
  const cfg = env.alerts;
  if (
    !cfg?.onCall ||
    state.phase !== 'firing' ||
    state.ack ||
    state.escalatedAt ||
    state.firingSince === undefined
  )
    return undefined;
  if (state.snoozedUntil && state.snoozedUntil > now) return undefined;
  const minutes = Math.floor((now - state.firingSince) / 60_000);
  if (minutes < cfg.escalateAfterMinutes) return undefined;
  const members = (await deps.roles.membersOf(cfg.onCall)).filter((u) => /^[UW][A-Z0-9]+$/.test(u));
  const next: AlertState = {
    ...state,
    escalatedAt: now,
    outbox: [
      ...state.outbox,
      {
        text: renderEscalation(state, cfg.onCall, members, minutes),
        key: `${alertKey(state)}-escalated`,
        at: now,
      },
    ],
  };
  await audit(deps, env, 'alert.escalate', next, `mentioned ${cfg.onCall}`);
  return next;
}

function audit(deps: JobDeps, env: Environment, action: string, state: AlertState, detail: string) {
  return deps.audit.append({
    at: deps.clock.now(),
    actor: 'opsbot',
    action,
    outcome: 'applied',
    environment: env.name,
    detail: `${state.id} ${detail}`,
    channel: state.message?.channel ?? alertChannel(env, state.severity),
  });
}
