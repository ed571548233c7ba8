import { type AlertState, alertId, type Observation } from '../../alerts/alert-state.js';
import { AlertStore, RESOLVED_KEPT_MS } from '../../alerts/alert-store.js';
import { renderAlert, renderEscalation, renderResolution } from '../../alerts/render-alert.js';
import { stepAlert } from '../../alerts/step-alert.js';
import { ALL_CHECKS } from '../../checks/all-checks.js';
import type { CheckReport, CheckResult, CheckStatus } from '../../checks/check.js';
import { createCheckContext } from '../../checks/check-context.js';
import { runChecks } from '../../checks/run-checks.js';
import type { AlertSeverity, Alerts, Environment } from '../../inventory/schema.js';
import type { Logger } from '../../queue/logger.js';
import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { activeWorkshops } from '../../workshop/active-workshops.js';
import type { Workshop } from '../../workshop/workshop-record.js';
import { FixStore } from '../diagnose/fix-store.js';
import type { JobDeps } from '../job-deps.js';

export interface EvaluationSummary {
  fired: string[];
  resolved: string[];
  edited: number;
  escalated: string[];
  /** Configured check ids that no check answers to. */
  unknownChecks: string[];
  /** Another run held the environment's lock: this one did nothing. */
  skipped?: boolean;
}

const FAILING: Record<'warn' | 'fail', CheckStatus[]> = { warn: ['warn', 'fail'], fail: ['fail'] };

/** Where an alert of a severity goes: the inventory's channel for it, else the first ops channel. */
export function alertChannel(env: Environment, severity: AlertSeverity): string {
  return env.alerts?.channels[severity] ?? env.slack.opsChannels[0]!;
}

/**
 * One evaluation run for an environment: runs its alert checks through the check engine, steps every
 * fingerprint's state (hysteresis), and speaks in Slack only on change: a post when an alert fires, an
 * edit when what it shows changed, the resolution in its thread, the on-call mention once when due.
 */
export async function evaluateAlerts(
  deps: JobDeps,
  env: Environment,
  opts: { log?: Logger } = {},
): Promise<EvaluationSummary> {
  const cfg = env.alerts;
  const summary: EvaluationSummary = { fired: [], resolved: [], edited: 0, escalated: [], unknownChecks: [] };
  if (!cfg || cfg.checks.length === 0) return summary;
  const store = new AlertStore(deps.redis, deps.prefix);
  const unlock = await store.tryLock(env.name, 60_000);
  if (!unlock) return { ...summary, skipped: true };
  try {
    const byId = new Map(ALL_CHECKS.map((c) => [c.id, c]));
    const wanted = cfg.checks.filter((c) => byId.has(c.id));
    summary.unknownChecks = cfg.checks.filter((c) => !byId.has(c.id)).map((c) => c.id);
    const now = deps.clock.now();
    const reports = await runChecks(
      wanted.map((c) => byId.get(c.id)!),
      createCheckContext(env, deps, now),
      {
        clock: deps.clock,
        onError: (checkId, err) => opts.log?.warn({ err, checkId, env: env.name }, 'alert check failed'),
      },
    );
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
        const prev = states.get(id) ?? fresh(env, report, rule.severity, result!, now, id);
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
        } else if (effect === 'refresh' && state.message) {
          // The fix button outlives a diagnosis's hour: its stored fix is renewed while the alert fires.
          if (result?.remediation && state.fixId)
            await storeFix(fixes, env.name, state, state.message, result.remediation, now);
          if (await refresh(deps, state, now)) summary.edited++;
          state = { ...state, rendered: renderAlert(state, now).text };
          if (await escalate(deps, cfg, state, now)) {
            state = { ...state, escalatedAt: now };
            summary.escalated.push(id);
            await refresh(deps, state, now);
            state = { ...state, rendered: renderAlert(state, now).text };
          }
        } else if (effect === 'resolve' && state.message) {
          await deps.chat.update(state.message, renderAlert(state, now));
          await deps.chat.post({
            channel: state.message.channel,
            threadTs: state.message.ts,
            text: renderResolution(state),
          });
          await audit(deps, env.name, 'alert.resolve', 'applied', state, 'resolved');
          summary.resolved.push(id);
        }
        await store.put(await withLatestDecisions(store, state));
      }
    }
    // Resolved alerts are listed by `/ops alerts` for a day, then forgotten.
    for (const s of await store.all(env.name))
      if (s.phase === 'resolved' && s.resolvedAt !== undefined && now - s.resolvedAt > RESOLVED_KEPT_MS)
        await store.delete(env.name, s.id);
    return summary;
  } finally {
    await unlock();
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
  };
}

/** Posts the alert once (a re-run after a crash finds the post by its key), with the check's fix if any. */
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
  const channel = alertChannel(env, raised.severity);
  let next: AlertState = remediation
    ? { ...raised, fixId: fixes.newId(), fixLabel: remediation.label }
    : raised;
  const key = `alert-${state.id}-${state.firingSince ?? now}`;
  const rendered = renderAlert(next, now);
  const message =
    (await deps.chat.findPosted(channel, undefined, key)) ??
    (await deps.chat.post({ channel, ...rendered, key }));
  next = { ...next, message, rendered: rendered.text };
  for (const w of workshops) await tellWorkshop(deps, w, next, key);
  if (remediation && next.fixId) await storeFix(fixes, env.name, next, message, remediation, now);
  await audit(deps, env.name, 'alert.fire', 'applied', next, `fired: ${state.checkId}`);
  return next;
}

const RAISED: Record<AlertSeverity, AlertSeverity> = {
  info: 'warning',
  warning: 'critical',
  critical: 'critical',
};

/** A line in the workshop's thread pointing at the alert (once per firing, found again after a crash). */
async function tellWorkshop(deps: JobDeps, w: Workshop, state: AlertState, key: string): Promise<void> {
  const threadKey = `${key}-${w.id}`;
  if (await deps.chat.findPosted(w.channel, w.threadTs, threadKey)) return;
  await deps.chat.post({
    channel: w.channel,
    threadTs: w.threadTs!,
    key: threadKey,
    text: `:rotating_light: During workshop ${code(w.name)}: *${state.severity.toUpperCase()}* ${untrusted(state.title)} — ${untrusted(state.subject)} (raised one severity for the workshop): ${state.last.summary}`,
  });
}

/** The check's remediation under the id the alert's fix button carries; plans go to the alert's thread. */
function storeFix(
  fixes: FixStore,
  environment: string,
  state: AlertState,
  message: { channel: string; ts: string },
  remediation: NonNullable<CheckResult['remediation']>,
  now: number,
): Promise<void> {
  return fixes.put({
    id: state.fixId!,
    environment,
    channel: message.channel,
    threadTs: message.ts,
    checkId: state.checkId,
    kind: remediation.kind,
    change: remediation.change,
    label: remediation.label,
    ...(remediation.revertAfterMs ? { revertAfterMs: remediation.revertAfterMs } : {}),
    createdAt: now,
  });
}

/** Edits the message when what it shows changed (value, duration in minutes, ack/snooze); true if edited. */
export async function refresh(deps: Pick<JobDeps, 'chat'>, state: AlertState, now: number): Promise<boolean> {
  if (!state.message) return false;
  const rendered = renderAlert(state, now);
  if (rendered.text === state.rendered) return false;
  await deps.chat.update(state.message, rendered);
  return true;
}

/** Mentions the on-call group once, when firing unacknowledged (and not snoozed) past the delay. */
async function escalate(deps: JobDeps, cfg: Alerts, state: AlertState, now: number): Promise<boolean> {
  if (!cfg.onCall || !state.message || state.ack || state.escalatedAt || state.firingSince === undefined)
    return false;
  if (state.snoozedUntil && state.snoozedUntil > now) return false;
  const minutes = Math.floor((now - state.firingSince) / 60_000);
  if (minutes < cfg.escalateAfterMinutes) return false;
  const members = (await deps.roles.membersOf(cfg.onCall)).filter((u) => /^[UW][A-Z0-9]+$/.test(u));
  await deps.chat.post({
    channel: state.message.channel,
    threadTs: state.message.ts,
    text: renderEscalation(state, cfg.onCall, members, minutes),
  });
  await audit(deps, state.environment, 'alert.escalate', 'applied', state, `mentioned ${cfg.onCall}`);
  return true;
}

function audit(
  deps: JobDeps,
  environment: string,
  action: string,
  outcome: 'applied',
  state: AlertState,
  detail: string,
) {
  return deps.audit.append({
    at: deps.clock.now(),
    actor: 'opsbot',
    action,
    outcome,
    environment,
    detail: `${state.id} ${detail}`,
    ...(state.message ? { channel: state.message.channel } : {}),
  });
}
