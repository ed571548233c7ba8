import { z } from 'zod';
import { callerScope } from '../../access/caller-scope.js';
import { environmentForChannel } from '../../access/environment-for-channel.js';
import { slackTime } from '../../plans/render-plan.js';
import { defineJob } from '../../queue/define-job.js';
import type { JobSummary } from '../../queue/job-introspection.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { auditReadDenied } from './audit-read-denied.js';
import { describeJob } from './describe-job.js';
import { chunkLines } from './ops-audit-job.js';

const STATE_ICON: Record<string, string> = {
  active: ':arrow_forward:',
  waiting: ':hourglass_flowing_sand:',
  prioritized: ':hourglass_flowing_sand:',
  delayed: ':alarm_clock:',
  completed: ':white_check_mark:',
  failed: ':x:',
  unknown: ':grey_question:',
};

const STATE_TEXT: Record<string, string> = {
  active: 'running',
  waiting: 'queued',
  prioritized: 'queued',
  delayed: 'scheduled',
  completed: 'done',
  failed: 'failed',
  unknown: 'state unknown',
};

/** Scheduled jobs are by `opsbot`, not a Slack user: only user ids become mentions. */
function byWhom(j: JobSummary): string {
  if (!j.requester) return '';
  return /^[UW][A-Z0-9]+$/.test(j.requester) ? ` · <@${j.requester}>` : ` · ${j.requester}`;
}

/** `/ops job <id>`: the job by its id (the caller gave it), its name and state. */
export function jobLine(j: JobSummary): string {
  const when = j.state === 'delayed' && j.runAt ? `due ${iso(j.runAt)}` : `created ${iso(j.createdAt)}`;
  const tries = j.attempts > 1 ? ` (attempt ${j.attempts}/${j.maxAttempts})` : '';
  return `${STATE_ICON[j.state] ?? ''} \`${j.id}\` ${j.name} — ${j.state}${tries}, ${when}${byWhom(j).replace(' · ', ' by ')}`;
}

/**
 * `/ops jobs`: what each job does and where it stands, for people ("scale `provisioners` to 8 (plan `p-…`) —
 * waiting for approval"), without the queue's internal ids.
 */
async function listLine(deps: JobDeps, j: JobSummary, withEnvironment: boolean): Promise<string> {
  const { what, state } = await describeJob(j, deps);
  const when =
    j.state === 'delayed' && j.runAt
      ? ` ${slackTime(j.runAt)}`
      : j.finishedAt
        ? ` ${slackTime(j.finishedAt)}`
        : j.state === 'active' && j.startedAt
          ? ` since ${slackTime(j.startedAt)}`
          : '';
  const tries = j.attempts > 1 ? ` (attempt ${j.attempts} of ${j.maxAttempts})` : '';
  const env = withEnvironment ? environmentOfJob(deps, j) : undefined;
  return `${STATE_ICON[j.state] ?? ''} ${what} — ${state ?? `${STATE_TEXT[j.state] ?? j.state}${when}`}${tries}${byWhom(j)}${env ? ` · ${env}` : ''}`;
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

// Jobs are tied to an environment through the ops channel they answer in (every job of a command or plan has one).
function environmentOfJob(deps: JobDeps, job: JobSummary): string | undefined {
  return job.channel ? environmentForChannel(deps.environments, job.channel)?.name : undefined;
}

/** `/ops jobs`: the caller's environments' running, waiting and scheduled jobs first, then the latest finished ones. */
export const opsJobsJob = defineJob({
  name: 'ops.jobs',
  payload: commandJobPayload(z.object({})),
  attempts: 2,
  async process({ request }, ctx: { deps: JobDeps }) {
    const scope = await callerScope(ctx.deps, request.user);
    // Read well past 20 so a caller of one busy environment's neighbour still gets a full list.
    const jobs = (await ctx.deps.queue.jobs.recent(200))
      .filter((j) => scope.sees(environmentOfJob(ctx.deps, j), j.requester))
      .slice(0, 20);
    // Whoever sees more than one environment is told which each job belongs to.
    const lines = await Promise.all(jobs.map((j) => listLine(ctx.deps, j, scope.roles.size > 1)));
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text: `Jobs (${jobs.length})\n${lines.join('\n')}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Jobs (${jobs.length})` } },
        ...chunkLines(lines.length ? lines : ['_no jobs_']).map((t) => ({
          type: 'section',
          text: { type: 'mrkdwn', text: t },
        })),
      ],
    });
  },
});

/** `/ops job <id>`: one job in detail. */
export const opsJobJob = defineJob({
  name: 'ops.job',
  payload: commandJobPayload(z.object({ jobId: z.string() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const found = await ctx.deps.queue.jobs.get(args.jobId);
    const environment = found && environmentOfJob(ctx.deps, found);
    const scope = await callerScope(ctx.deps, request.user);
    // Another environment's job is "not found", word for word: its existence is not the caller's to know.
    const job = found && scope.sees(environment, found.requester) ? found : undefined;
    if (found && !job && environment)
      await auditReadDenied(
        ctx.deps,
        request,
        'ops.job',
        environment,
        `job ${found.id}: no role in ${environment}`,
      );
    const text = job
      ? [
          jobLine(job),
          job.startedAt ? `started ${iso(job.startedAt)}` : undefined,
          job.finishedAt ? `finished ${iso(job.finishedAt)}` : undefined,
          job.progress ? `progress: ${job.progress}` : undefined,
          job.failedReason ? `failure: ${job.failedReason}` : undefined,
        ]
          .filter(Boolean)
          .join('\n')
      : `No job \`${args.jobId}\`: it never existed or has been cleaned up (finished jobs are kept for an hour, failed ones a day).`;
    await ctx.deps.chat.postEphemeral({ channel: request.channel, user: request.user, text });
  },
});
