import { z } from 'zod';
import { DNS_KIND } from '../../changes/dns/dns-change.js';
import { UserError } from '../../errors/user-error.js';
import { submitChange } from '../../plans/submit-change.js';
import { defineJob } from '../../queue/define-job.js';
import { JobMeta } from '../../queue/job-meta.js';
import { ClickActor } from '../click-actor.js';
import type { JobDeps } from '../job-deps.js';
import { FIX_ID, FixStore } from './fix-store.js';

export const DIAGNOSE_FIX_JOB = 'diagnose.fix';

/** What the `diagnose.fix` button's handler enqueues: who pressed which fix, where. */
export const DiagnoseFixPayload = z.object({
  action: z.literal('fix'),
  fixId: z.string().regex(FIX_ID),
  actor: ClickActor,
  at: z.number().optional(),
  meta: JobMeta,
});

/**
 * A fix button on a diagnosis: the stored remediation becomes an ordinary plan (the presser is its
 * requester), posted in the diagnosis's thread for approval. Nothing changes until it is approved.
 */
export const diagnoseFixJob = defineJob({
  name: DIAGNOSE_FIX_JOB,
  payload: DiagnoseFixPayload,
  attempts: 3,
  async process({ fixId, actor }, ctx: { deps: JobDeps; jobId: string }) {
    const deps = ctx.deps;
    const fix = await new FixStore(deps.redis, deps.prefix).get(fixId);
    if (!fix)
      throw new UserError('This fix has expired (a diagnosis is valid for an hour); run `/diagnose` again.');
    if (fix.channel !== actor.channel || fix.environment !== actor.environment)
      throw new UserError('This button belongs to a diagnosis in another channel; nothing was planned.');
    if (actor.messageTs && fix.threadTs && actor.messageTs !== fix.threadTs)
      throw new UserError('This button does not belong to that message; nothing was planned.');
    // A DNS change carries the requester's role: inventory deletes and --force need admin.
    const change =
      fix.kind === DNS_KIND ? { ...(fix.change as object), requesterRole: actor.role } : fix.change;
    const queued = await submitChange(deps, {
      kind: fix.kind,
      change,
      environment: fix.environment,
      requester: actor.user,
      channel: fix.channel,
      ...(fix.threadTs ? { threadTs: fix.threadTs } : {}),
      ...(fix.revertAfterMs ? { revertAfterMs: fix.revertAfterMs } : {}),
      jobId: `${ctx.jobId}-plan`,
    });
    return { planned: queued.jobId, fix: fix.label };
  },
  async onFailed({ actor }, ctx, failure) {
    await ctx.deps.chat.postEphemeral({
      channel: actor.channel,
      user: actor.user,
      text: `:no_entry: ${failure.userMessage}`,
    });
  },
});
