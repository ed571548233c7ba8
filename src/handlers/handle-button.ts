import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { environmentForChannel } from '../access/environment-for-channel.js';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { roleAllows } from '../commands/command-spec.js';
import type { Role } from '../inventory/schema.js';
import type { HandlerDeps } from './command-deps.js';
import { MAYBE_QUEUED, QUEUE_DOWN, queueOutage } from './queue-outage.js';
import { requestJobId } from './request-job-id.js';
import { createDeadline, withTimeout } from './with-timeout.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export interface Actor {
  user: string;
  role: Role;
  channel: string;
  environment: string;
  /** The message whose button was pressed: the job checks it belongs to the plan. */
  messageTs?: string;
}

/** One family of buttons: `<family>.<verb>` action ids whose value is a plan id, served by one job. */
export interface ButtonRoute {
  family: string;
  /** The job that does the work; its payload is built here from who pressed what. */
  job: string;
  jobIdPrefix: string;
  /** What the verb acts on, for refusals ("approve plans", "extend a pause"). */
  object: string;
  /** `at`: when the button was pressed. */
  payload(verb: string, planId: string, actor: Actor, at: number): object;
}

/**
 * Buttons, handled like slash commands: ack at once, check where and who (operators and up), then
 * enqueue the route's job keyed by the click's trigger_id. The job enforces the plan's own rules;
 * a double click yields two jobs and the plan store's atomic transitions let one through.
 */
export function createButtonHandler(deps: HandlerDeps, route: ButtonRoute) {
  return async ({ ack, body, action, respond }: ActionArgs): Promise<void> => {
    await ack();
    const started = performance.now();
    const clickedAt = deps.clock.now();
    const verb = action.action_id.slice(route.family.length + 1);
    const channel = body.channel?.id ?? '';
    const user = body.user.id;
    const planId = action.value ?? '';
    deps.metrics.commandsReceived.inc({ command: action.action_id });
    const audit = (outcome: AuditEntryInput['outcome'], detail: string, environment?: string) =>
      deps.audit
        .append({
          ...{
            at: deps.clock.now(),
            actor: user,
            action: `${route.family}.${verb}`,
            channel,
            outcome,
            detail,
            planId,
          },
          ...(environment ? { environment } : {}),
        })
        .catch((err: unknown) => deps.logger.warn({ err }, 'audit append failed'));
    const say = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        deps.logger.warn({ err }, 'respond failed'),
      );
    const refuse = async (
      outcome: AuditEntryInput['outcome'],
      detail: string,
      text: string,
      env?: string,
    ) => {
      await audit(outcome, detail, env);
      await say(text);
    };

    const env = environmentForChannel(deps.environments, channel);
    if (!env || !/^[\w-]{1,80}$/.test(planId))
      return refuse(
        'denied',
        env ? 'malformed plan id' : 'wrong channel',
        ':no_entry: This button only works in the ops channel, on a message opsbot posted. Nothing was done.',
      );
    const deadline = createDeadline(deps.ackBudgetMs ?? 2000, started);
    let role: Role | 'none';
    try {
      role = await withTimeout(deps.roles.roleOf(env, user), deadline.left(), 'role lookup');
    } catch {
      return refuse(
        'failed',
        'role lookup failed',
        ':x: Could not check your access right now. Nothing was done; try again shortly.',
        env.name,
      );
    }
    if (role === 'none' || !roleAllows(role, 'operator')) {
      deps.metrics.commandsDenied.inc({ reason: 'role' });
      return refuse(
        'denied',
        `role ${role} may not ${verb} ${route.object}`,
        `:no_entry: Only operators and admins may ${verb} ${route.object}; you are ${role}. Nothing was done.`,
        env.name,
      );
    }
    const jobId = requestJobId(route.jobIdPrefix, body.trigger_id ?? `${planId}/${user}/${action.action_ts}`);
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    const actor: Actor = {
      user,
      role,
      channel,
      environment: env.name,
      ...(typeof messageTs === 'string' ? { messageTs } : {}),
    };
    try {
      await withTimeout(
        deps.queue.enqueue(route.job, route.payload(verb, planId, actor, clickedAt), { jobId }),
        deadline.left(),
        'enqueue',
      );
      deps.metrics.ackLatency.observe((performance.now() - started) / 1000);
    } catch (err) {
      const outage = queueOutage(err);
      const ref = requestJobId('ref', jobId);
      deps.logger[outage ? 'warn' : 'error']({ err, ref }, 'enqueue failed');
      const [detail, text] =
        outage === 'down'
          ? ['queue unavailable', `:x: ${QUEUE_DOWN}`]
          : outage === 'maybe'
            ? ['queue too slow: may have been queued', `:warning: ${MAYBE_QUEUED}`]
            : [`internal error, ref ${ref}`, `:x: internal error, ref ${ref}.`];
      await refuse('failed', detail, text, env.name);
    }
  };
}

const meta = (a: Actor) => ({ requester: a.user, channel: a.channel, environment: a.environment });

/** Approve / Cancel / Undo on a plan message → `plan.decide`. */
export const PLAN_BUTTONS: ButtonRoute = {
  family: 'plan',
  job: 'plan.decide',
  jobIdPrefix: 'act',
  object: 'plans',
  payload: (verb, planId, actor, at) => ({ planId, decision: verb, actor, at, meta: meta(actor) }),
};

/** A remediation button of a `/diagnose` finding → `diagnose.fix`, which opens the matching plan. */
export const DIAGNOSE_BUTTONS: ButtonRoute = {
  family: 'diagnose',
  job: 'diagnose.fix',
  jobIdPrefix: 'dfx',
  object: 'diagnosis findings',
  payload: (verb, fixId, actor, at) => ({ action: verb, fixId, actor, at, meta: meta(actor) }),
};

/** Extend / Resume now on a rotation pause reminder → `rotation.action`. */
export const ROTATION_BUTTONS: ButtonRoute = {
  family: 'rotation',
  job: 'rotation.action',
  jobIdPrefix: 'rot',
  object: 'a pause',
  payload: (verb, planId, actor, at) => ({ action: verb, planId, actor, at, meta: meta(actor) }),
};

/** Acknowledge / Snooze on a scheduled alert's message → `alerts.action` (value: the alert's fingerprint id). */
export const ALERT_BUTTONS: ButtonRoute = {
  family: 'alert',
  job: 'alerts.action',
  jobIdPrefix: 'alr',
  object: 'alerts',
  payload: (verb, alertId, actor, at) => ({ action: verb, alertId, actor, at, meta: meta(actor) }),
};
