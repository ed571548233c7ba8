import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { ago, plural, quoted } from './describe.js';
import { perCluster } from './per-part.js';
import { provisionersFirst } from './pod-target.js';

const SHOWN = 5;

/** Pods the scheduler cannot place, with its reason (Insufficient cpu/memory, taints, selectors). */
export const pendingPodsCheck: Check = {
  id: 'pending-pods',
  title: 'Unschedulable pods',
  situations: ['capacity', 'provisioners'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId): Promise<CheckResult[]> => {
      const active = await ctx.cluster(clusterId).activePods();
      const pending = [...active.problems]
        .filter((p) => p.unschedulable !== undefined)
        .sort(provisionersFirst(ctx.env, clusterId));
      if (!pending.length)
        return [
          { status: 'ok', subject: clusterId, summary: `${clusterId}: every pod scheduled`, evidence: [] },
        ];
      // Pods waiting for the same reason are one finding: "3 pods: 0/4 nodes are available: 4 Insufficient cpu".
      const byReason = new Map<string, typeof pending>();
      for (const p of pending) {
        const reason = p.unschedulable?.message ?? '';
        byReason.set(reason, [...(byReason.get(reason) ?? []), p]);
      }
      const oldest = Math.min(...pending.map((p) => p.unschedulable?.since ?? p.createdAt ?? ctx.now));
      return [
        {
          status: 'fail',
          subject: clusterId,
          summary: `${clusterId}: ${plural(pending.length, 'pod')} cannot be scheduled`,
          evidence: [...byReason.entries()].flatMap(([reason, pods]) => [
            `${plural(pods.length, 'pod')}: ${quoted(reason)}`,
            `  ${pods
              .slice(0, SHOWN)
              .map((p) => code(`${p.namespace}/${p.name}`))
              .join(
                ', ',
              )}${pods.length > SHOWN ? ` … +${pods.length - SHOWN}` : ''} (pending since ${ago(Math.min(...pods.map((p) => p.unschedulable?.since ?? ctx.now)), ctx.now)})`,
          ]),
          since: oldest,
        },
      ];
    }),
};
