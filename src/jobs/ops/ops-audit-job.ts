import { z } from 'zod';
import { callerScope } from '../../access/caller-scope.js';
import { environmentForChannel } from '../../access/environment-for-channel.js';
import type { AuditRecord } from '../../audit/audit-entry.js';
import { formatAuditLine } from '../../audit/audit-log.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';

export const OpsAuditJobArgs = z.object({
  limit: z.number().int().min(1).max(50),
  /** Only entries about a plan: requests, decisions, applies, reverts, refusals of a change. */
  changes: z.boolean().optional(),
  /** Only refusals (`denied`). */
  denied: z.boolean().optional(),
  /** Only what this Slack user did. */
  user: z.string().optional(),
});
export type OpsAuditJobArgs = z.infer<typeof OpsAuditJobArgs>;

/** The entries a filtered `/ops audit` keeps (every filter given must hold). */
export function auditFilter(args: OpsAuditJobArgs): (e: AuditRecord) => boolean {
  return (e) =>
    (!args.changes || e.planId !== undefined) &&
    (!args.denied || e.outcome === 'denied') &&
    (!args.user || e.actor === args.user);
}

/** "latest 3 denied change entries by <@U1>": what a filtered listing holds, for its title. */
function describeListing(args: OpsAuditJobArgs, count: number): string {
  const kinds = [args.denied ? 'denied' : '', args.changes ? 'change' : ''].filter(Boolean).join(' ');
  const noun = count === 1 ? 'entry' : 'entries';
  return `latest ${count} ${kinds ? `${kinds} ` : ''}${noun}${args.user ? ` by <@${args.user}>` : ''}`;
}

/** `/ops audit [n] [--changes] [--denied] [--user …]`: the caller's environments' entries, newest first. */
export const opsAuditJob = defineJob({
  name: 'ops.audit',
  payload: commandJobPayload(OpsAuditJobArgs),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const scope = await callerScope(ctx.deps, request.user);
    // Not this request's own entry: the handler appends it after the ack, so it would come and go with timing.
    const wanted = auditFilter(args);
    const entries = await ctx.deps.audit.latestMatching(
      args.limit,
      (e) =>
        e.jobId !== request.id &&
        wanted(e) &&
        scope.sees(
          e.environment ??
            (e.channel ? environmentForChannel(ctx.deps.environments, e.channel)?.name : undefined),
          e.actor,
        ),
    );
    const lines = entries.map(
      (e) => `\`${new Date(e.at).toISOString().slice(0, 19)}Z\` ${formatAuditLine(e)}`,
    );
    const title = `Audit log of ${[...scope.roles.keys()].join(', ')}: ${describeListing(args, entries.length)}`;
    const filtered = args.changes || args.denied || args.user;
    const none = filtered ? '_no matching entries_' : '_no entries yet_';
    const body = lines.length ? lines.join('\n') : none;
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text: `${title}\n${body}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } }, // Slack's header limit
        ...chunkLines(lines.length ? lines : [none]).map((t) => ({
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
