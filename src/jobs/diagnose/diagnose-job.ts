import { z } from 'zod';
import { ALL_CHECKS } from '../../checks/all-checks.js';
import { type CheckReport, SITUATIONS } from '../../checks/check.js';
import { createCheckContext } from '../../checks/check-context.js';
import { checkDeadlines } from '../../checks/check-deadlines.js';
import { checksFor, runChecks } from '../../checks/run-checks.js';
import { scopedSignal } from '../../ports/call-options.js';
import { createProgressReporter } from '../../queue/create-progress-reporter.js';
import { defineJob } from '../../queue/define-job.js';
import type { Logger } from '../../queue/logger.js';
import { commandJobPayload } from '../command-job.js';
import type { JobDeps } from '../job-deps.js';
import { readableEnvironment } from '../readable-environment.js';
import { renderProgress, renderSummary } from './render-diagnosis.js';
import { storeFixes } from './store-fixes.js';

export const DIAGNOSE_JOB = 'diagnose.run';

export const DiagnoseArgs = z.object({ area: z.enum(['all', ...SITUATIONS]), env: z.string().optional() });

/**
 * `/diagnose [area] [--env <name>]`: runs the area's checks in parallel, editing one channel message
 * as they answer, then turns it into the summary with a fix button per remediation. Evidence that does
 * not fit goes to the message's thread.
 */
export const diagnoseJob = defineJob({
  name: DIAGNOSE_JOB,
  payload: commandJobPayload(DiagnoseArgs),
  attempts: 1,
  lane: 'long',
  async process({ request, args }, ctx: { deps: JobDeps; log: Logger; signal: AbortSignal }) {
    const deps = ctx.deps;
    const env = await readableEnvironment(deps, request, args.env, {
      command: '/diagnose',
      action: DIAGNOSE_JOB,
    });
    if (!env) return { denied: args.env ?? request.env };
    const checks = checksFor(ALL_CHECKS, args.area);
    const head = { env: env.name, area: args.area, requester: request.user };
    const started = deps.clock.now();
    const first = renderProgress(head, [], checks.length);
    const message = await deps.chat.post({ channel: request.channel, ...first });
    const progress = createProgressReporter(deps.chat, message, {
      pacer: deps.pacer,
      clock: deps.clock,
      onError: (err) => ctx.log.warn({ err }, 'diagnose progress edit failed'),
    });
    const done: CheckReport[] = [];
    const { deadlineMs, partDeadlineMs } = checkDeadlines(env, deps.checks);
    const run = scopedSignal(ctx.signal);
    const context = createCheckContext(env, deps, started, { partDeadlineMs }, run.signal);
    const reports = await runChecks(checks, context, {
      clock: deps.clock,
      deadlineMs,
      onReport: (report) => {
        done.push(report);
        const p = renderProgress(head, done, checks.length);
        progress.update(p.text, p.blocks);
      },
      onError: (checkId, err) => ctx.log.warn({ err, checkId, env: env.name }, 'check failed'),
    }).finally(run.finish);
    const fixes = await storeFixes(deps, reports, {
      env: env.name,
      channel: request.channel,
      ts: message.ts,
    });
    const summary = renderSummary(head, reports, fixes, deps.clock.now() - started);
    await progress.finish(summary.text, summary.blocks);
    for (const detail of summary.details)
      await deps.chat.post({ channel: request.channel, threadTs: message.ts, ...detail });
    return {
      statuses: Object.fromEntries(reports.map((r) => [r.id, r.status])),
      ms: Object.fromEntries(reports.map((r) => [r.id, r.ms])),
      fixes: [...fixes.values()].map((f) => f.label),
    };
  },
});
