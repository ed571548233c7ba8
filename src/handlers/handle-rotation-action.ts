import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { environmentForChannel } from '../access/environment-for-channel.js';
import { roleAllows } from '../commands/command-spec.js';
import type { HandlerDeps } from './command-deps.js';
import { isQueueOutage, QUEUE_DOWN } from './queue-outage.js';
import { requestJobId } from './request-job-id.js';
import { withTimeout } from './with-timeout.js';

export const ROTATION_ACTION_IDS = /^rotation\.(extend|resume)$/;

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Extend / Resume now on a rotation pause reminder: checks who and where, then queues `rotation.action`. */
export function createRotationActionHandler(deps: HandlerDeps) {
  return async ({ ack, body, action, respond }: ActionArgs): Promise<void> => {
    await ack();
    const which = action.action_id === 'rotation.extend' ? 'extend' : 'resume';
    const channel = body.channel?.id ?? '';
    const user = body.user.id;
    const say = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        deps.logger.warn({ err }, 'respond failed'),
      );
    const planId = action.value ?? '';
    const env = environmentForChannel(deps.environments, channel);
    if (!env || !/^[\w-]{1,80}$/.test(planId)) {
      await say(':no_entry: This button only works in the ops channel. Nothing was done.');
      return;
    }
    const budget = deps.ackBudgetMs ?? 2000;
    try {
      const role = await withTimeout(deps.roles.roleOf(env, user), budget, 'role lookup');
      if (role === 'none' || !roleAllows(role, 'operator')) {
        await deps.audit.append({
          at: deps.clock.now(),
          actor: user,
          action: `rotation.${which}`,
          channel,
          environment: env.name,
          outcome: 'denied',
          detail: `role ${role}`,
          planId,
        });
        await say(
          `:no_entry: Only operators and admins may ${which} a pause; you are ${role}. Nothing was done.`,
        );
        return;
      }
      const jobId = requestJobId('rot', body.trigger_id ?? `${planId}/${user}/${action.action_ts}`);
      await withTimeout(
        deps.queue.enqueue(
          'rotation.action',
          {
            action: which,
            planId,
            actor: { user, role, channel, environment: env.name },
            meta: { requester: user, channel, environment: env.name },
          },
          { jobId },
        ),
        budget,
        'enqueue',
      );
    } catch (err) {
      deps.logger.warn({ err }, 'rotation action failed');
      await say(
        isQueueOutage(err)
          ? `:x: ${QUEUE_DOWN}`
          : ':x: Could not queue that; nothing was done. Try again shortly.',
      );
    }
  };
}
