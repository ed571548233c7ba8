import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { environmentForChannel } from '../access/environment-for-channel.js';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { roleAllows } from '../commands/command-spec.js';
import type { Role } from '../inventory/schema.js';
import type { HandlerDeps } from './command-deps.js';
import { isQueueOutage, QUEUE_DOWN } from './queue-outage.js';
import { requestJobId } from './request-job-id.js';
import { withTimeout } from './with-timeout.js';

export const PLAN_ACTION_IDS = /^plan\.(approve|cancel|undo)$/;

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Approve / Cancel / Undo buttons. The handler only checks who pressed where and enqueues a
 * `plan.decide` job; the plan's own rules (expiry, two-person, conflicts) are enforced by that job.
 * A double click yields two jobs, and the plan store's atomic transition lets one through.
 */
export function createPlanActionHandler(deps: HandlerDeps) {
  return async ({ ack, body, action, respond }: ActionArgs): Promise<void> => {
    await ack();
    const started = performance.now();
    const decision = action.action_id.replace('plan.', '') as 'approve' | 'cancel' | 'undo';
    const channel = body.channel?.id ?? '';
    const user = body.user.id;
    deps.metrics.commandsReceived.inc({ command: action.action_id });
    const audit = (
      outcome: AuditEntryInput['outcome'],
      detail: string,
      extra: Partial<AuditEntryInput> = {},
    ) =>
      deps.audit
        .append({
          at: deps.clock.now(),
          actor: user,
          action: `plan.${decision}`,
          channel,
          outcome,
          detail,
          ...extra,
        })
        .catch((err: unknown) => deps.logger.warn({ err }, 'audit append failed'));
    const say = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        deps.logger.warn({ err }, 'respond failed'),
      );
    const planId = action.value ?? '';
    const env = environmentForChannel(deps.environments, channel);
    if (!env || !/^[\w-]{1,80}$/.test(planId)) {
      await audit('denied', env ? 'malformed plan id' : 'wrong channel', { planId });
      await say(
        ':no_entry: This button only works in the ops channel, on a plan opsbot posted. Nothing was done.',
      );
      return;
    }
    let role: Role | 'none';
    try {
      role = await withTimeout(deps.roles.roleOf(env, user), deps.ackBudgetMs ?? 2000, 'role lookup');
    } catch {
      await audit('failed', 'role lookup failed', { planId });
      await say(':x: Could not check your access right now. Nothing was done; try again shortly.');
      return;
    }
    if (role === 'none' || !roleAllows(role, 'operator')) {
      deps.metrics.commandsDenied.inc({ reason: 'role' });
      await audit('denied', `role ${role} may not ${decision} plans`, { planId, environment: env.name });
      await say(
        `:no_entry: Only operators and admins may ${decision} plans; you are ${role}. Nothing was done.`,
      );
      return;
    }
    const jobId = requestJobId('act', body.trigger_id ?? `${planId}/${user}/${action.action_ts}`);
    try {
      await withTimeout(
        deps.queue.enqueue(
          'plan.decide',
          {
            planId,
            decision,
            actor: { user, role, channel, environment: env.name },
            meta: { requester: user, channel, environment: env.name },
          },
          { jobId },
        ),
        deps.ackBudgetMs ?? 2000,
        'enqueue',
      );
      deps.metrics.ackLatency.observe((performance.now() - started) / 1000);
    } catch (err) {
      const unavailable = isQueueOutage(err);
      const ref = requestJobId('ref', jobId);
      deps.logger[unavailable ? 'warn' : 'error']({ err, ref }, 'enqueue failed');
      await audit('failed', unavailable ? 'queue unavailable' : `internal error, ref ${ref}`, {
        planId,
        environment: env.name,
      });
      await say(unavailable ? `:x: ${QUEUE_DOWN}` : `:x: internal error, ref ${ref}; nothing was done.`);
    }
  };
}
