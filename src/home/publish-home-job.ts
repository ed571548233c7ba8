import { z } from 'zod';
import type { JobDeps } from '../jobs/job-deps.js';
import { scheduledLines } from '../jobs/rotation/scheduled-lines.js';
import { slackTime } from '../plans/render-plan.js';
import type { Blocks } from '../ports/chat.js';
import { defineJob } from '../queue/define-job.js';
import { JobMeta } from '../queue/job-meta.js';

export const HOME_PUBLISH_JOB = 'home.publish';

/** The App Home tab: per environment, pauses in effect, scheduled reverts and plans awaiting approval. */
export const publishHomeJob = defineJob({
  name: HOME_PUBLISH_JOB,
  payload: z.object({ user: z.string().regex(/^[UW][A-Z0-9]+$/), meta: JobMeta }),
  attempts: 2,
  async process({ user }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const open = (await deps.plans.recent(50)).filter(
      (p) => p.status === 'pending' && p.expiresAt > deps.clock.now(),
    );
    const blocks: Blocks = [{ type: 'header', text: { type: 'plain_text', text: 'opsbot' } }];
    for (const env of deps.environments.values()) {
      const scheduled = await scheduledLines(deps, env.name);
      const plans = open
        .filter((p) => p.environment === env.name)
        .map((p) => `\`${p.id}\` ${p.summary} · by <@${p.requester}> · expires ${slackTime(p.expiresAt)}`);
      const section = (title: string, lines: string[], none: string) => ({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${title}*\n${lines.length ? lines.map((l) => `• ${l}`).join('\n') : `_${none}_`}`.slice(
            0,
            3000,
          ),
        },
      });
      blocks.push(
        { type: 'header', text: { type: 'plain_text', text: env.name } },
        section('Pauses and scheduled reverts', scheduled, 'none'),
        section('Plans awaiting approval', plans, 'none'),
      );
    }
    await deps.chat.publishHome(user, blocks);
    return { published: true };
  },
});
