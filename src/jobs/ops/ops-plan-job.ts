import { z } from 'zod';
import { roundedDuration, slackTime, statusWord } from '../../plans/render-plan.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { auditReadDenied } from './audit-read-denied.js';

export const OPS_PLAN_JOB = 'ops.plan';

/** `/ops plan <id>`: one plan — what, where, who, its state and every audit entry about it, oldest first. */
export const opsPlanJob = defineJob({
  name: OPS_PLAN_JOB,
  payload: commandJobPayload(z.object({ planId: z.string() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const deps = ctx.deps;
    const found = await deps.plans.get(args.planId);
    const env = found ? deps.environments.get(found.environment) : undefined;
    const visible = found && env && (await deps.roles.roleOf(env, request.user)) !== 'none';
    const tell = (text: string) =>
      deps.chat.postEphemeral({ channel: request.channel, user: request.user, text });
    // Another environment's plan is "not found", word for word: its existence is not the caller's to know.
    if (!found || !visible) {
      if (found)
        await auditReadDenied(deps, request, OPS_PLAN_JOB, found.environment, `plan ${found.id}: no role`);
      await tell(`No plan \`${args.planId}\`: it never existed or is older than opsbot keeps plans.`);
      return { found: false };
    }
    const history = await deps.audit.latestMatching(30, (e) => e.planId === found.id);
    const lines = [
      `*Plan \`${found.id}\`* in ${found.environment}: ${found.summary} — *${statusWord(found)}*${found.standingNow ? ` (now: ${found.standingNow})` : ''}`,
      `asked by <@${found.requester}> ${slackTime(found.createdAt)} in <#${found.channel}>${found.approver ? `, approved by <@${found.approver}>` : ''}`,
      ...(found.revertAt ? [`reverts ${slackTime(found.revertAt)}`] : []),
      ...(found.revertOf ? [`reverts plan \`${found.revertOf}\``] : []),
      ...(found.revertedBy ? [`reverted by plan \`${found.revertedBy}\``] : []),
      ...(found.status === 'pending'
        ? [`expires ${slackTime(found.expiresAt)}, in ${roundedDuration(found.expiresAt - deps.clock.now())}`]
        : []),
      '*History*',
      ...history
        .reverse()
        .map(
          (e) =>
            `• ${slackTime(e.at)} ${e.outcome} by ${e.actor === 'opsbot' ? 'opsbot' : `<@${e.actor}>`}${e.outcome === 'requested' ? '' : `: ${e.detail}`}`,
        ),
    ];
    await tell(lines.join('\n'));
    return { found: true };
  },
});
