import { shortFailure } from '../errors/short-failure.js';
import { type Clock, systemClock } from '../ports/clock.js';
import { type Check, type CheckReport, type CheckResult, type Situation, worstOf } from './check.js';
import type { CheckContext } from './check-context.js';
import { seconds } from './describe.js';

export interface RunChecksOptions {
  /** Deadline of each check (default 9 s): a check that has not answered by then is `unknown`. */
  deadlineMs?: number;
  /** Called as each check finishes (progress), in completion order. */
  onReport?: (report: CheckReport) => void;
  clock?: Clock;
  /** Failures that became `unknown`, for the logs (users see only their short class). */
  onError?: (checkId: string, err: unknown) => void;
}

/** The checks that belong to a situation (`all`: every one), in their given order. */
export function checksFor(checks: readonly Check[], situation: Situation | 'all'): Check[] {
  return situation === 'all' ? [...checks] : checks.filter((c) => c.situations.includes(situation));
}

/**
 * Runs the checks in parallel, each against its own deadline. A check that throws or runs late
 * reports `unknown` with the reason; the others are not held up. Reports come back in the checks' order.
 */
export async function runChecks(
  checks: readonly Check[],
  ctx: CheckContext,
  opts: RunChecksOptions = {},
): Promise<CheckReport[]> {
  const deadlineMs = opts.deadlineMs ?? 9_000;
  const clock = opts.clock ?? systemClock;
  return Promise.all(
    checks.map(async (check) => {
      const started = clock.now();
      const results = await withDeadline(check, ctx, deadlineMs, opts.onError);
      const report: CheckReport = {
        id: check.id,
        title: check.title,
        status: worstOf(results.map((r) => r.status)),
        results,
        ms: clock.now() - started,
      };
      opts.onReport?.(report);
      return report;
    }),
  );
}

async function withDeadline(
  check: Check,
  ctx: CheckContext,
  deadlineMs: number,
  onError: RunChecksOptions['onError'],
): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(
      () =>
        resolve([
          {
            status: 'unknown',
            subject: ctx.env.name,
            summary: `no answer within ${seconds(deadlineMs)}`,
            evidence: [],
          },
        ]),
      deadlineMs,
    );
  });
  const run = Promise.resolve()
    .then(() => check.run(ctx))
    .then(
      (results) =>
        results.length > 0
          ? results
          : [{ status: 'ok' as const, subject: ctx.env.name, summary: 'nothing to check', evidence: [] }],
      (err: unknown): CheckResult[] => {
        onError?.(check.id, err);
        return [{ status: 'unknown', subject: ctx.env.name, summary: shortFailure(err), evidence: [] }];
      },
    );
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}
