import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { ago, plural, quoted } from './describe.js';
import { perCluster } from './per-part.js';

/** A NodeClaim not Ready after this long is stuck (launch or registration failed). */
const STUCK_AFTER_MS = 10 * 60_000;
const NEAR_LIMIT = 0.9;
const CONTROLLER = { namespace: 'karpenter', selector: 'app.kubernetes.io/name=karpenter' };

/** Karpenter adds nodes: its controller running, NodePools ready and under their limits, no NodeClaim stuck. */
export const karpenterCheck: Check = {
  id: 'karpenter',
  title: 'Karpenter (node autoscaling)',
  situations: ['capacity'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId): Promise<CheckResult[]> => {
      const view = ctx.cluster(clusterId);
      const [controller, pools, claims] = await Promise.all([
        view.pods(CONTROLLER.namespace, CONTROLLER.selector),
        view.nodePools(),
        view.nodeClaims(),
      ]);
      if (!pools.length && !controller.length)
        return [
          {
            status: 'ok',
            subject: clusterId,
            summary: `${clusterId}: Karpenter not installed`,
            evidence: [],
          },
        ];
      const results: CheckResult[] = [];
      const ready = controller.filter((p) => p.phase === 'Running' && p.containers.every((c) => c.ready));
      if (!ready.length)
        results.push({
          status: 'fail',
          subject: clusterId,
          summary: `${clusterId}: Karpenter controller not running (${ready.length}/${controller.length} pods ready): no node will be added or replaced`,
          evidence: controller.length
            ? controller.map(
                (p) =>
                  `${code(`${p.namespace}/${p.name}`)} ${p.phase}${p.containers.map((c) => (c.waiting ? ` ${code(c.waiting.reason)}` : '')).join('')}`,
              )
            : [`no pod matches ${code(CONTROLLER.selector)} in namespace ${code(CONTROLLER.namespace)}`],
        });
      for (const pool of pools) {
        if (!pool.ready)
          results.push({
            status: 'fail',
            subject: pool.name,
            summary: `${clusterId}: NodePool ${code(pool.name)} not ready`,
            evidence: pool.notReady
              ? [
                  `${pool.notReady.type}=False ${code(pool.notReady.reason)}: ${quoted(pool.notReady.message)}`,
                ]
              : [],
          });
        for (const [resource, limit] of Object.entries(pool.limits) as [
          'cpu' | 'memory',
          number | undefined,
        ][]) {
          if (!limit) continue;
          const share = pool.used[resource] / limit;
          if (share < NEAR_LIMIT) continue;
          results.push({
            status: share >= 1 ? 'fail' : 'warn',
            subject: pool.name,
            summary: `${clusterId}: NodePool ${code(pool.name)} at ${Math.round(share * 100)} % of its ${resource} limit${share >= 1 ? ': it cannot add nodes' : ''}`,
            evidence: [
              `${resource}: ${Math.round(pool.used[resource] * 10) / 10} used of ${limit} (spec.limits)`,
            ],
          });
        }
      }
      const stuck = claims.filter(
        (c) =>
          !c.conditions.some((x) => x.type === 'Ready' && x.status === 'True') &&
          c.createdAt !== undefined &&
          ctx.now - c.createdAt > STUCK_AFTER_MS,
      );
      for (const c of stuck) {
        const why = c.conditions.find((x) => x.status !== 'True');
        results.push({
          status: 'fail',
          subject: c.name,
          summary: `${clusterId}: NodeClaim ${code(c.name)} (pool ${code(c.pool)}) stuck, not Ready after ${ago(c.createdAt ?? ctx.now, ctx.now).replace(' ago', '')}`,
          evidence: why
            ? [
                `${code(c.name)} ${why.type}=${why.status} ${code(why.reason || 'no reason')}: ${quoted(why.message)}`,
              ]
            : [`${code(c.name)} has no conditions yet`],
          ...(c.createdAt !== undefined ? { since: c.createdAt } : {}),
        });
      }
      if (!results.length)
        results.push({
          status: 'ok',
          subject: clusterId,
          summary: `${clusterId}: controller ${ready.length}/${controller.length} ready, ${plural(pools.length, 'NodePool')} ready, ${plural(claims.length, 'NodeClaim')} settled`,
          evidence: [],
        });
      return results;
    }),
};
