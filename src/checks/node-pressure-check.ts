import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { plural, quoted } from './describe.js';
import { perCluster } from './per-part.js';

const PRESSURE = ['DiskPressure', 'MemoryPressure', 'PIDPressure'];

/** Nodes under pressure (the kubelet evicts) or not Ready. */
export const nodePressureCheck: Check = {
  id: 'node-pressure',
  title: 'Node pressure (disk, memory)',
  situations: ['restarts', 'capacity'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId) => {
      const nodes = await ctx.cluster(clusterId).nodes();
      const results: CheckResult[] = [];
      for (const n of nodes) {
        const bad = n.conditions.filter(
          (c) =>
            (PRESSURE.includes(c.type) && c.status === 'True') || (c.type === 'Ready' && c.status !== 'True'),
        );
        if (!bad.length) continue;
        const first = bad[0]!;
        results.push({
          status: 'fail',
          subject: n.name,
          summary: `${clusterId}: node ${code(n.name)} ${bad.map((c) => (c.type === 'Ready' ? 'not Ready' : c.type)).join(', ')}`,
          evidence: bad.map((c) => `${code(n.name)} ${c.type}=${c.status}: ${quoted(c.message || c.reason)}`),
          ...(first.since !== undefined ? { since: first.since } : {}),
        });
      }
      if (!results.length)
        results.push({
          status: 'ok',
          subject: clusterId,
          summary: `${clusterId}: ${plural(nodes.length, 'node')} Ready, no pressure`,
          evidence: [],
        });
      return results;
    }),
};
