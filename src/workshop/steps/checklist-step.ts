import { ALL_CHECKS } from '../../checks/all-checks.js';
import { createCheckContext } from '../../checks/check-context.js';
import { checkDeadlines } from '../../checks/check-deadlines.js';
import { runChecks } from '../../checks/run-checks.js';
import { renderSummary } from '../../jobs/diagnose/render-diagnosis.js';
import { storeFixes } from '../../jobs/diagnose/store-fixes.js';
import { environmentOf } from '../../jobs/job-deps.js';
import { scopedSignal } from '../../ports/call-options.js';
import { code } from '../../slack-text/code.js';
import { postInThread } from '../post-in-thread.js';
import { expiryLines, readExpiries } from '../read-expiries.js';
import type { StepRunner } from './step-outcome.js';

/**
 * T-2 days: every `/diagnose` check (images and DNS consistency among them) plus credential expiries,
 * posted in the workshop's thread with the checks' fix buttons.
 */
export const checklistStep: StepRunner = async (w, { deps, store, log, signal }) => {
  const env = environmentOf(deps, w.environment);
  const started = deps.clock.now();
  const { deadlineMs, partDeadlineMs } = checkDeadlines(env, deps.checks);
  const run = scopedSignal(signal);
  const context = createCheckContext(env, deps, started, { partDeadlineMs }, run.signal);
  const [reports, expiries] = await Promise.all([
    runChecks(ALL_CHECKS, context, {
      clock: deps.clock,
      deadlineMs,
      onError: (checkId, err) => log.warn({ err, checkId, workshop: w.id }, 'checklist check failed'),
    }).finally(run.finish),
    readExpiries(deps, env),
  ]);
  // Fix buttons live in the thread, so the plan they make lands there too.
  const fixes = await storeFixes(deps, reports, {
    env: env.name,
    channel: w.channel,
    ts: w.threadTs ?? '',
  });
  const summary = renderSummary(
    { env: env.name, area: 'all', requester: w.requester },
    reports,
    fixes,
    deps.clock.now() - started,
  );
  const credentials = expiryLines(expiries, w.end);
  const head = `:clipboard: *Checklist for workshop ${code(w.name)}* (two days before it starts)`;
  await postInThread(deps, store, w, 'checklist', {
    text: `${head}\n${summary.text}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      ...summary.blocks,
      ...(credentials.lines.length
        ? [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: `*Credentials*\n${credentials.lines.join('\n')}` },
            },
          ]
        : []),
    ],
  });
  for (const [i, detail] of summary.details.entries())
    await postInThread(deps, store, w, `checklist-detail-${i}`, detail);
  const bad = reports.filter((r) => r.status === 'fail' || r.status === 'warn');
  const problems = [...bad.map((r) => r.title), ...(credentials.ok ? [] : ['credentials expiring'])];
  return {
    status: 'done',
    detail: problems.length
      ? `${problems.length} to look at: ${problems.join(', ')}`
      : `all ${reports.length} checks passed`,
  };
};
