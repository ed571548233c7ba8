import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { gib, plural } from './describe.js';
import { mapLimit } from './map-limit.js';
import { perCluster } from './per-part.js';

/**
 * Kubelet stats read at once: the configured number (8), one more per 150 nodes on large clusters, at
 * most 64: 5,000 nodes read 34 at a time, well inside an API server's in-flight limit (400 by default).
 */
export function statsConcurrency(base: number, nodes: number): number {
  return Math.min(64, Math.max(base, Math.ceil(nodes / 150)));
}

/** Past this the kubelet is about to evict (its threshold is 10 % free). */
const FAIL_PERCENT = 85;

/** Ephemeral storage per node from the kubelet: workspaces keep their state there (rule: < 60 % used). */
export const nodeStorageCheck: Check = {
  id: 'node-storage',
  title: 'Node ephemeral storage',
  situations: ['restarts', 'capacity'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId) => {
      const view = ctx.cluster(clusterId);
      const limit = ctx.thresholds.nodeStorageMaxPercent;
      const nodes = await view.nodes();
      const stats = await mapLimit(
        nodes,
        statsConcurrency(ctx.options.nodeStatsConcurrency, nodes.length),
        (n) =>
          view.nodeStorage(n.name).then(
            (s) => ({ node: n.name, s }),
            (err: unknown) => ({ node: n.name, err }),
          ),
      );
      const results: CheckResult[] = [];
      let highest = 0;
      const unread = stats.filter((x) => 'err' in x).map((x) => x.node);
      for (const x of stats) {
        if (!('s' in x) || x.s.capacityBytes <= 0) continue;
        const percent = (x.s.usedBytes / x.s.capacityBytes) * 100;
        highest = Math.max(highest, percent);
        if (percent < limit) continue;
        const top = x.s.topPods.map((p) => `${code(`${p.namespace}/${p.name}`)} ${gib(p.usedBytes)}`);
        results.push({
          status: percent >= FAIL_PERCENT ? 'fail' : 'warn',
          subject: x.node,
          summary: `${clusterId}: node ${code(x.node)} ${Math.round(percent)} % used (limit ${limit} %)`,
          evidence: [
            `${code(x.node)}: ${gib(x.s.usedBytes)} of ${gib(x.s.capacityBytes)} used (${Math.round(percent)} %)${percent >= FAIL_PERCENT ? '; the kubelet evicts pods at 90 %' : ''}`,
            ...(top.length ? [`largest users: ${top.join(', ')}`] : []),
          ],
        });
      }
      if (unread.length)
        results.push({
          status: 'unknown',
          subject: clusterId,
          summary: `${clusterId}: kubelet stats unreadable on ${plural(unread.length, 'node')}`,
          evidence: [`no stats/summary from ${unread.slice(0, 5).map(code).join(', ')}`],
        });
      if (results.length === 0)
        results.push({
          status: 'ok',
          subject: clusterId,
          summary: `${clusterId}: ${plural(nodes.length, 'node')}, highest ${Math.round(highest)} % (< ${limit} %)`,
          evidence: [],
        });
      return results;
    }),
};
