import { shortFailure } from '../errors/short-failure.js';
import { code } from '../slack-text/code.js';
import type { CheckResult } from './check.js';
import type { CheckContext } from './check-context.js';
import { seconds } from './describe.js';

/**
 * Runs one part of a check per cluster (or endpoint) under its own deadline: a part that fails or
 * hangs becomes one `unknown` result naming it, while the other parts still answer.
 */
export async function perPart<T>(
  ctx: CheckContext,
  parts: readonly T[],
  name: (part: T) => string,
  run: (part: T) => Promise<CheckResult[]>,
): Promise<CheckResult[]> {
  const settled = await Promise.all(
    parts.map(async (part) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<CheckResult[]>((resolve) => {
        timer = setTimeout(
          () =>
            resolve([
              {
                status: 'unknown',
                subject: name(part),
                summary: `${code(name(part))}: unreachable (no answer within ${seconds(ctx.options.partDeadlineMs)})`,
                evidence: [],
              },
            ]),
          ctx.options.partDeadlineMs,
        );
      });
      const answer = run(part).catch((err: unknown): CheckResult[] => [
        {
          status: 'unknown',
          subject: name(part),
          summary: `${code(name(part))}: ${shortFailure(err)}`,
          evidence: [],
        },
      ]);
      try {
        return await Promise.race([answer, late]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return settled.flat();
}

/** Every cluster of the environment, each a part. */
export function perCluster(
  ctx: CheckContext,
  run: (clusterId: string) => Promise<CheckResult[]>,
): Promise<CheckResult[]> {
  return perPart(
    ctx,
    ctx.env.clusters.map((c) => c.id),
    (id) => id,
    run,
  );
}
