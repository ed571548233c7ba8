import { z } from 'zod';
import { callerScope } from '../access/caller-scope.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { scheduledLines } from '../jobs/rotation/scheduled-lines.js';
import { slackTime } from '../plans/render-plan.js';
import type { Blocks } from '../ports/chat.js';
import { defineJob } from '../queue/define-job.js';
import { JobMeta } from '../queue/job-meta.js';
import { code } from '../slack-text/code.js';
import { STEPS } from '../workshop/workshop-record.js';
import { WorkshopStore } from '../workshop/workshop-store.js';
import { STEP_TITLES } from '../workshop/workshop-timeline.js';

export const HOME_PUBLISH_JOB = 'home.publish';

// Says nothing about which environments exist or what is going on in them.
const NO_ROLE_HOME: Blocks = [
  { type: 'header', text: { type: 'plain_text', text: 'opsbot' } },
  {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: 'You have no opsbot role in any environment, so there is nothing to show here.',
    },
  },
  {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: 'Roles come from Slack user groups: ask an opsbot admin to add you to your team’s group, then reopen this tab.',
      },
    ],
  },
];

/** Scheduled workshops of an environment with their next step (`/workshop status <name>` has the rest). */
async function workshopLines(deps: JobDeps, environment: string): Promise<string[]> {
  const all = await new WorkshopStore(deps.redis, deps.prefix).list(environment, deps.clock.now());
  return all
    .filter((w) => w.state === 'scheduled')
    .map((w) => {
      const next = STEPS.find((s) => w.steps[s].status === 'scheduled');
      const what = next
        ? `next: ${STEP_TITLES[next].toLowerCase()} ${slackTime(w.steps[next].at)}`
        : 'winding down';
      return `${code(w.name)}: ${w.users} users, ${slackTime(w.start)} · ${what}`;
    });
}

/** The App Home tab: per environment the user holds a role in, pauses in effect, scheduled reverts, plans awaiting approval and upcoming workshops. */
export const publishHomeJob = defineJob({
  name: HOME_PUBLISH_JOB,
  payload: z.object({ user: z.string().regex(/^[UW][A-Z0-9]+$/), meta: JobMeta }),
  attempts: 2,
  async process({ user }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const scope = await callerScope(deps, user);
    if (scope.roles.size === 0) {
      await deps.chat.publishHome(user, NO_ROLE_HOME);
      return { published: true, environments: 0 };
    }
    const open = (await deps.plans.recent(50)).filter(
      (p) => p.status === 'pending' && p.expiresAt > deps.clock.now(),
    );
    const blocks: Blocks = [{ type: 'header', text: { type: 'plain_text', text: 'opsbot' } }];
    for (const env of deps.environments.values()) {
      if (!scope.roles.has(env.name)) continue;
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
        section('Upcoming workshops', await workshopLines(deps, env.name), 'none scheduled'),
      );
    }
    await deps.chat.publishHome(user, blocks);
    return { published: true, environments: scope.roles.size };
  },
});
