import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { cores, gib } from './describe.js';
import { perCluster } from './per-part.js';

const FAIL_PERCENT = 5;

interface Room {
  pool: string;
  nodes: number;
  cpu: { alloc: number; req: number };
  memory: { alloc: number; req: number };
}

const free = (r: { alloc: number; req: number }) => (r.alloc > 0 ? ((r.alloc - r.req) / r.alloc) * 100 : 100);

/** Free share of allocatable CPU and memory per node pool, against the requests of running pods. */
export const capacityHeadroomCheck: Check = {
  id: 'capacity-headroom',
  title: 'Capacity headroom',
  situations: ['capacity'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId): Promise<CheckResult[]> => {
      const view = ctx.cluster(clusterId);
      const [nodes, active] = await Promise.all([view.nodes(), view.activePods()]);
      const min = ctx.thresholds.capacityHeadroomMinPercent;
      const pools = new Map<string, Room>();
      for (const n of nodes) {
        if (n.unschedulable) continue;
        const pool = n.pool ?? '(no pool)';
        const room = pools.get(pool) ?? {
          pool,
          nodes: 0,
          cpu: { alloc: 0, req: 0 },
          memory: { alloc: 0, req: 0 },
        };
        const used = active.requested.get(n.name) ?? { cpu: 0, memory: 0 };
        room.nodes++;
        room.cpu.alloc += n.cpuAllocatable;
        room.cpu.req += used.cpu;
        room.memory.alloc += n.memoryAllocatable;
        room.memory.req += used.memory;
        pools.set(pool, room);
      }
      const line = (r: Room) =>
        `pool ${code(r.pool)} (${r.nodes} nodes): CPU ${cores(r.cpu.req)} of ${cores(r.cpu.alloc)} cores requested (${Math.round(free(r.cpu))} % free), memory ${gib(r.memory.req)} of ${gib(r.memory.alloc)} (${Math.round(free(r.memory))} % free)`;
      const rooms = [...pools.values()].sort((a, b) => a.pool.localeCompare(b.pool));
      const tight = rooms
        .map((r) => ({ r, headroom: Math.min(free(r.cpu), free(r.memory)) }))
        .filter((x) => x.headroom < min);
      if (!tight.length) {
        const lowest = Math.min(...rooms.map((r) => Math.min(free(r.cpu), free(r.memory))));
        return [
          {
            status: 'ok',
            subject: clusterId,
            summary: `${clusterId}: lowest headroom ${Number.isFinite(lowest) ? Math.round(lowest) : 100} % (≥ ${min} %)`,
            evidence: [],
          },
        ];
      }
      return tight.map(({ r, headroom }) => ({
        status: headroom <= FAIL_PERCENT ? 'fail' : 'warn',
        subject: `${clusterId}/${r.pool}`,
        summary: `${clusterId}: pool ${code(r.pool)} has ${Math.round(headroom)} % headroom (minimum ${min} %)`,
        evidence: [line(r)],
      }));
    }),
};
