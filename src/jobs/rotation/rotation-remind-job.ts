import { z } from 'zod';
import { ROTATION_REMIND_JOB } from '../../changes/rotation/pause-lifecycle.js';
import { PauseStore } from '../../changes/rotation/pause-store.js';
import { EXTEND_STEP_MS } from '../../changes/rotation/rotation-window.js';
import { formatDuration } from '../../commands/parse-duration.js';
import { slackTime } from '../../plans/render-plan.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import { untrusted } from '../../slack-text/untrusted.js';
import type { JobDeps } from '../job-deps.js';

export const ROTATION_EXTEND_ACTION = 'rotation.extend';
export const ROTATION_RESUME_ACTION = 'rotation.resume';

/** Before a pause ends: a reminder in the pause's thread with Extend / Resume now. */
export const rotationRemindJob = defineJob({
  name: ROTATION_REMIND_JOB,
  payload: z.object({ environment: z.string(), planId: z.string(), until: z.number(), meta: JobMeta }),
  async process(p, ctx: { deps: JobDeps }) {
    const pause = await new PauseStore(ctx.deps.redis, ctx.deps.prefix).get(p.environment);
    // Extended, resumed or replaced since this reminder was scheduled.
    if (pause?.planId !== p.planId || pause.until !== p.until) return { skipped: true };
    const by = pause.reason ? ` (${untrusted(pause.reason)})` : '';
    const text = `:alarm_clock: Key rotation in ${p.environment} resumes ${slackTime(pause.until)}; paused by <@${pause.requester}>${by}. Extend it if rotation must stay paused longer.`;
    await ctx.deps.chat.post({
      channel: pause.channel,
      ...(pause.threadTs ? { threadTs: pause.threadTs } : {}),
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        {
          type: 'actions',
          block_id: `rotation-${pause.planId}`,
          elements: [
            button(
              ROTATION_EXTEND_ACTION,
              `Extend ${formatDuration(EXTEND_STEP_MS)}`,
              pause.planId,
              'primary',
            ),
            button(ROTATION_RESUME_ACTION, 'Resume now', pause.planId),
          ],
        },
      ],
    });
    return { reminded: true };
  },
});

function button(action_id: string, label: string, value: string, style?: 'primary') {
  return {
    type: 'button',
    action_id,
    text: { type: 'plain_text', text: label },
    value,
    ...(style ? { style } : {}),
  };
}
