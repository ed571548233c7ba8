import { z } from 'zod';
import { callerScope } from '../../access/caller-scope.js';
import { environmentForChannel } from '../../access/environment-for-channel.js';
import { formatAuditLine } from '../../audit/audit-log.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';

/** `/ops audit [n]`: the latest audit entries of the caller's environments, newest first. */
export const opsAuditJob = defineJob({
  name: 'ops.audit',
  payload: commandJobPayload(z.object({ limit: z.number().int().min(1).max(50) })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const scope = await callerScope(ctx.deps, request.user);
    // Not this request's own entry: the handler appends it after the ack, so it would come and go with timing.
    const entries = await ctx.deps.audit.latestMatching(
      args.limit,
      (e) =>
        e.jobId !== request.id &&
        scope.sees(
          e.environment ??
            (e.channel ? environmentForChannel(ctx.deps.environments, e.channel)?.name : undefined),
          e.actor,
        ),
    );
    const lines = entries.map(
      (e) => `\`${new Date(e.at).toISOString().slice(0, 19)}Z\` ${formatAuditLine(e)}`,
    );
    const title = `Audit log of ${[...scope.roles.keys()].join(', ')}: latest ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
    const body = lines.length ? lines.join('\n') : '_no entries yet_';
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text: `${title}\n${body}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } }, // Slack's header limit
        ...chunkLines(lines.length ? lines : ['_no entries yet_']).map((t) => ({
          type: 'section',
          text: { type: 'mrkdwn', text: t },
        })),
      ],
    });
  },
});

// Section text is capped at 3,000 characters.
export function chunkLines(lines: string[], max = 2900): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const clipped = line.slice(0, max);
    if (current && current.length + clipped.length + 1 > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${clipped}` : clipped;
  }
  if (current) out.push(current);
  return out;
}
