import { z } from 'zod';
import { ALERT_ID } from '../../alerts/alert-state.js';
import { AlertStore } from '../../alerts/alert-store.js';
import { ALERT_ACTIONS, renderAlert } from '../../alerts/render-alert.js';
import { snoozeUntil } from '../../alerts/snooze-until.js';
import { UserError } from '../../errors/user-error.js';
import { slackTime } from '../../plans/render-plan.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import { ClickActor } from '../click-actor.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

export const ALERT_ACTION_JOB = 'alerts.action';

/** What an alert button's handler enqueues: who pressed Acknowledge / Snooze on which alert. */
export const AlertActionPayload = z.object({
  action: z.enum(ALERT_ACTIONS),
  alertId: z.string().regex(ALERT_ID),
  actor: ClickActor,
  at: z.number().optional(),
  meta: JobMeta,
});

/**
 * Acknowledge (stops the escalation) or Snooze (1 h, 4 h, tomorrow 09:00 in the environment's time zone)
 * a firing alert: the alert message is edited to say so, a line goes to its thread, the audit log records it.
 */
export const alertActionJob = defineJob({
  name: ALERT_ACTION_JOB,
  payload: AlertActionPayload,
  attempts: 3,
  async process({ action, alertId, actor, at }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const env = environmentOf(deps, actor.environment);
    const store = new AlertStore(deps.redis, deps.prefix);
    const state = await store.get(env.name, alertId);
    if (!state?.message) throw new UserError('This alert is no longer known; nothing was done.');
    if (state.message.channel !== actor.channel || (actor.messageTs && actor.messageTs !== state.message.ts))
      throw new UserError('This button does not belong to that alert message; nothing was done.');
    if (state.phase !== 'firing') throw new UserError('This alert has already resolved; nothing was done.');
    const now = at ?? deps.clock.now();
    // Re-read just before writing: the evaluation run may have stepped the alert meanwhile.
    const latest = (await store.get(env.name, alertId)) ?? state;
    const next =
      action === 'ack'
        ? { ...latest, ack: { user: actor.user, at: now } }
        : {
            ...latest,
            snoozedUntil: snoozeUntil(action, now, env.alerts?.tz ?? 'UTC'),
            snoozedBy: actor.user,
          };
    const rendered = renderAlert(next, deps.clock.now());
    await store.put({ ...next, rendered: rendered.text, renderedAt: deps.clock.now() });
    await deps.chat.update(state.message, rendered);
    const said =
      action === 'ack'
        ? `:eyes: Acknowledged by <@${actor.user}>.`
        : `:zzz: Snoozed by <@${actor.user}> until ${slackTime(next.snoozedUntil ?? now)}.`;
    await deps.chat.post({ channel: state.message.channel, threadTs: state.message.ts, text: said });
    // A click is answered at once; the alert deliveries after it keep the channel's pace.
    deps.pacer.mark(state.message.channel, deps.clock.now());
    await store.markSent(state.message.channel, deps.clock.now());
    await deps.audit.append({
      at: now,
      actor: actor.user,
      action: `alert.${action}`,
      channel: actor.channel,
      outcome: 'applied',
      environment: env.name,
      detail: `${alertId} ${state.checkId}${next.snoozedUntil ? ` until ${new Date(next.snoozedUntil).toISOString()}` : ''}`,
    });
    return { action, alertId };
  },
  async onFailed({ actor }, ctx, failure) {
    await ctx.deps.chat.postEphemeral({
      channel: actor.channel,
      user: actor.user,
      text: `:no_entry: ${failure.userMessage}`,
    });
  },
});
