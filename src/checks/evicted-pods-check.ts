import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { ago, plural, quoted } from './describe.js';
import { perCluster } from './per-part.js';

const RECENT_MS = 24 * 3_600_000;
const SHOWN = 5;

/** Pods the kubelet evicted, and why (ephemeral storage, memory): the runbook's lost-work cause. */
export const evictedPodsCheck: Check = {
  id: 'evicted-pods',
  title: 'Evicted pods',
  situations: ['restarts'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId): Promise<CheckResult[]> => {
      const failed = await ctx.cluster(clusterId).failedPods();
      const evicted = failed.pods
        .filter((p) => p.reason === 'Evicted')
        .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
      if (!evicted.length)
        return [{ status: 'ok', subject: clusterId, summary: `${clusterId}: no evicted pods`, evidence: [] }];
      const recent = evicted.filter((p) => p.endedAt === undefined || ctx.now - p.endedAt < RECENT_MS);
      const resources = [
        ...new Set(
          evicted.map((p) => /low on resource: ([\w-]+)/.exec(p.message ?? '')?.[1]).filter(Boolean),
        ),
      ] as string[];
      const why = resources.length ? ` (low on ${resources.map(code).join(', ')})` : '';
      const latest = evicted[0]!;
      return [
        {
          status: recent.length ? 'fail' : 'warn',
          subject: clusterId,
          summary: recent.length
            ? `${clusterId}: ${plural(recent.length, 'pod')} evicted in the last 24 h${why}`
            : `${clusterId}: ${plural(evicted.length, 'old evicted pod')} left over${why}`,
          evidence: [
            ...evicted.slice(0, SHOWN).map((p) => {
              const when = p.endedAt !== undefined ? ` ${ago(p.endedAt, ctx.now)}` : '';
              const on = p.nodeName ? ` on ${code(p.nodeName)}` : '';
              return `${code(`${p.namespace}/${p.name}`)}${on}${when}: ${quoted(p.message ?? 'evicted')}`;
            }),
            ...(evicted.length > SHOWN ? [`… and ${evicted.length - SHOWN + failed.more} more`] : []),
          ],
          ...(latest.endedAt !== undefined ? { since: latest.endedAt } : {}),
        },
      ];
    }),
};
