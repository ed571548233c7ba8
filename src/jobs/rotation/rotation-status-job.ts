import { z } from 'zod';
import { PauseStore } from '../../changes/rotation/pause-store.js';
import { rotatorOf } from '../../changes/rotation/rotation-kind.js';
import { nextRotationWindow } from '../../changes/rotation/rotation-window.js';
import { slackTime } from '../../plans/render-plan.js';
import { defineJob } from '../../queue/define-job.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { settleWithin } from '../settle-within.js';

/** `/rotation status`: running or paused (since when, by whom, until), last rotation, next window. */
export const rotationStatusJob = defineJob({
  name: 'rotation.status',
  payload: commandJobPayload(z.object({})),
  attempts: 1,
  async process({ request }, ctx: { deps: JobDeps }) {
    const env = environmentOf(ctx.deps, request.env);
    const d = rotatorOf(env);
    const secret = env.rotation!.secret;
    const client = ctx.deps.clusters.client(d.cluster);
    const [state, rotated, pause] = await Promise.all([
      settleWithin(client.getDeployment(d.namespace, d.name), 8000),
      settleWithin(client.secretUpdatedAt(secret.namespace, secret.name), 8000),
      new PauseStore(ctx.deps.redis, ctx.deps.prefix).get(env.name),
    ]);
    const lines: string[] = [];
    if (!state.ok) lines.push(`:red_circle: Rotator state unknown: ${state.error}`);
    else if (!state.value)
      lines.push(`:red_circle: Rotator ${d.namespace}/${d.name} not found in ${d.cluster}`);
    else if (state.value.desired === 0)
      lines.push(':double_vertical_bar: Key rotation is *paused* (rotator at 0 replicas)');
    else
      lines.push(
        `:arrows_counterclockwise: Key rotation is *running* (${state.value.ready}/${state.value.desired} ready)`,
      );
    if (pause) {
      const why = pause.reason ? `: ${untrusted(pause.reason)}` : '';
      lines.push(`Paused since ${slackTime(pause.since)} by <@${pause.requester}>${why}`);
      lines.push(`Scheduled resume: ${slackTime(pause.until)} (plan \`${pause.planId}\`)`);
    } else if (state.ok && state.value?.desired === 0)
      lines.push('Paused outside opsbot: no resume is scheduled.');
    const last = rotated.ok ? rotated.value : undefined;
    lines.push(
      `Last rotation: ${last ? slackTime(last) : rotated.ok ? 'unknown' : `unknown (${rotated.error})`}`,
    );
    const window = nextRotationWindow(env, last);
    if (window) {
      const note = pause && window.from <= pause.until ? ' — :warning: due before the pause ends' : '';
      lines.push(`Next expected rotation: ${slackTime(window.from)} – ${slackTime(window.to)}${note}`);
    }
    const text = `*Key rotation in ${env.name}*\n${lines.join('\n')}`;
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
    return { paused: state.ok && state.value?.desired === 0 };
  },
});
