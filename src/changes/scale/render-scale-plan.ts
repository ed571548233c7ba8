import { parseQuantity } from '../../inventory/parse-quantity.js';
import type { Blocks } from '../../ports/chat.js';
import type { ResolvedItem } from './resolve-targets.js';
import type { ScaleLive } from './scale-change.js';

const GI = 1024 ** 3;

export interface ClusterDemand {
  cluster: string;
  cpu: number;
  memory: number;
}

/** Extra CPU/memory requests the change adds (negative when it frees some), per cluster. */
export function demandOf(items: ResolvedItem[], before: ScaleLive): ClusterDemand[] {
  const byCluster = new Map<string, ClusterDemand>();
  for (const { deployment: d, replicas } of items) {
    const delta = replicas - (before.targets[d.target]?.desired ?? replicas);
    const row = byCluster.get(d.cluster) ?? { cluster: d.cluster, cpu: 0, memory: 0 };
    row.cpu += delta * parseQuantity(d.resources.cpu);
    row.memory += delta * parseQuantity(d.resources.memory);
    byCluster.set(d.cluster, row);
  }
  return [...byCluster.values()];
}

/** Warnings: something else owns the count, or the nodes cannot hold the extra requests. */
export function scaleWarnings(items: ResolvedItem[], before: ScaleLive): string[] {
  const warnings: string[] = [];
  for (const { deployment: d } of items) {
    const owners = before.owners[d.target];
    if (owners?.length)
      warnings.push(
        `\`${d.target}\` is also managed by ${owners.join(' and ')}, which may revert a manual replica change.`,
      );
  }
  for (const demand of demandOf(items, before)) {
    const cap = before.capacity[demand.cluster];
    if (!cap || demand.cpu <= 0) continue;
    if (
      cap.cpuRequested + demand.cpu > cap.cpuAllocatable ||
      cap.memoryRequested + demand.memory > cap.memoryAllocatable
    )
      warnings.push(
        `Cluster ${demand.cluster} lacks room for the extra requests (${cpu(demand.cpu)} CPU, ${mem(demand.memory)}); new pods will stay Pending until Karpenter adds nodes.`,
      );
  }
  return warnings;
}

/** Per target: desired/ready now → requested; per cluster: the extra requests against allocatable. */
export function renderScalePlan(items: ResolvedItem[], before: ScaleLive): Blocks {
  const changed = items.filter((i) => before.targets[i.deployment.target]?.desired !== i.replicas);
  const lines = changed.map(({ deployment: d, replicas }) => {
    const now = before.targets[d.target];
    const where = `${d.cluster} · ${d.namespace}/${d.name}`;
    return `• \`${d.target}\` (${where}): ${now?.desired ?? '?'} desired / ${now?.ready ?? '?'} ready → *${replicas}*`;
  });
  // Every target the plan covers is named, so an approver sees exactly what `all` meant.
  const unchanged = items.filter((i) => !changed.includes(i)).map((i) => `\`${i.deployment.target}\``);
  if (unchanged.length)
    lines.push(`_Already at the requested count, left as they are:_ ${unchanged.join(', ')}`);
  const capacity = demandOf(changed, before).map((demand) => {
    const cap = before.capacity[demand.cluster];
    const sign = demand.cpu >= 0 ? '+' : '−';
    const extra = `${sign}${cpu(Math.abs(demand.cpu))} CPU, ${sign}${mem(Math.abs(demand.memory))}`;
    if (!cap) return `• ${demand.cluster}: ${extra}`;
    return `• ${demand.cluster}: ${extra} → requests ${cpu(cap.cpuRequested + demand.cpu)} of ${cpu(cap.cpuAllocatable)} CPU, ${mem(cap.memoryRequested + demand.memory)} of ${mem(cap.memoryAllocatable)} allocatable on ${cap.nodes} node(s)`;
  });
  return [
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    ...(capacity.length
      ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Capacity*\n${capacity.join('\n')}` } }]
      : []),
  ];
}

function cpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : cores.toFixed(1);
}

function mem(bytes: number): string {
  return `${Number.isInteger(bytes / GI) ? bytes / GI : (bytes / GI).toFixed(1)}Gi`;
}
