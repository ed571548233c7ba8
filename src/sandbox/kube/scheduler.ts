import { parseQuantity } from './quantity.js';
import type { NodeObject, Pod, Taint, Toleration } from './types.js';

export type ScheduleResult = { node: NodeObject } | { message: string };

function requestsOf(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    cpu += parseQuantity(c.resources?.requests?.cpu);
    memory += parseQuantity(c.resources?.requests?.memory);
  }
  return { cpu, memory };
}

function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Sum of requests of pods bound to each node (terminating pods still hold their resources). */
export function nodeUsage(pods: Pod[]): Map<string, { cpu: number; memory: number; pods: number }> {
  const usage = new Map<string, { cpu: number; memory: number; pods: number }>();
  for (const p of pods) {
    const node = p.spec.nodeName;
    if (!node || p.status.phase === 'Succeeded' || p.status.phase === 'Failed') continue;
    const u = usage.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
    const r = requestsOf(p);
    u.cpu += r.cpu;
    u.memory += r.memory;
    u.pods += 1;
    usage.set(node, u);
  }
  return usage;
}

function countReasons(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
}

/**
 * The filter plugins in kube-scheduler's order; a node reports the reasons of the first plugin that
 * rejects it (NodeUnschedulable, TaintToleration, NodeAffinity, then NodeResourcesFit).
 */
function filterNode(
  pod: Pod,
  node: NodeObject,
  u: { cpu: number; memory: number; pods: number },
  want: { cpu: number; memory: number },
): string[] {
  if (node.spec.unschedulable) return ['node(s) were unschedulable'];
  const taint = (node.spec.taints ?? []).find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.spec.tolerations, t),
  );
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  const labels = node.metadata.labels ?? {};
  if (Object.entries(pod.spec.nodeSelector ?? {}).some(([k, v]) => labels[k] !== v))
    return ["node(s) didn't match Pod's node affinity/selector"];
  const out: string[] = [];
  if (u.pods + 1 > parseQuantity(node.status.allocatable.pods)) out.push('Too many pods');
  if (want.cpu > parseQuantity(node.status.allocatable.cpu) - u.cpu + 1e-9) out.push('Insufficient cpu');
  if (want.memory > parseQuantity(node.status.allocatable.memory) - u.memory) out.push('Insufficient memory');
  return out;
}

/**
 * The default scheduler's filter step for the fields the simulator models (taints, nodeSelector,
 * cpu/memory/pod count), then "least allocated" scoring. Failure messages mirror kube-scheduler's.
 */
export function schedulePod(pod: Pod, nodes: NodeObject[], allPods: Pod[]): ScheduleResult {
  const usage = nodeUsage(allPods.filter((p) => p.metadata.uid !== pod.metadata.uid));
  const want = requestsOf(pod);
  const reasons: string[] = [];
  const preemption: string[] = [];
  let best: { node: NodeObject; score: number } | undefined;
  for (const node of nodes) {
    const nodeReasons = filterNode(
      pod,
      node,
      usage.get(node.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 },
      want,
    );
    if (nodeReasons.length === 0) {
      const u = usage.get(node.metadata.name);
      const allocatable = parseQuantity(node.status.allocatable.cpu);
      const score = (allocatable - (u?.cpu ?? 0)) / allocatable;
      if (!best || score > best.score) best = { node, score };
    } else {
      reasons.push(...nodeReasons);
      const resources = nodeReasons.every((r) => r.startsWith('Insufficient') || r === 'Too many pods');
      preemption.push(
        resources
          ? 'No preemption victims found for incoming pod'
          : 'Preemption is not helpful for scheduling',
      );
    }
  }
  if (best) return { node: best.node };
  const n = nodes.length;
  return {
    message: `0/${n} nodes are available: ${countReasons(reasons)}. preemption: 0/${n} nodes are available: ${countReasons(preemption)}.`,
  };
}
