import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { parseQuantity } from '../../inventory/parse-quantity.js';
import type {
  ContainerDetail,
  NodeClaimState,
  NodeConditionState,
  NodePoolState,
  NodeState,
  NodeStorageStats,
  PodDetail,
} from '../../ports/clusters.js';

const REPORTED_NODE_CONDITIONS = new Set(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']);

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toNodeState(n: V1Node): NodeState {
  const pool = n.metadata?.labels?.['karpenter.sh/nodepool'];
  const createdAt = timeOf(n.metadata?.creationTimestamp);
  return {
    name: n.metadata?.name ?? '',
    ...(pool ? { pool } : {}),
    unschedulable: n.spec?.unschedulable ?? false,
    conditions: (n.status?.conditions ?? [])
      .filter((c) => REPORTED_NODE_CONDITIONS.has(c.type))
      .map((c) => {
        const since = timeOf(c.lastTransitionTime);
        return {
          type: c.type,
          status: c.status,
          reason: c.reason ?? '',
          message: c.message ?? '',
          ...(since !== undefined ? { since } : {}),
        };
      }),
    cpuAllocatable: parseQuantity(n.status?.allocatable?.cpu),
    memoryAllocatable: parseQuantity(n.status?.allocatable?.memory),
    ...(createdAt !== undefined ? { createdAt } : {}),
  };
}

export function toPodDetail(p: V1Pod): PodDetail {
  const specs = new Map((p.spec?.containers ?? []).map((c) => [c.name, c]));
  const containers = (p.status?.containerStatuses ?? []).map((s): ContainerDetail => {
    const waiting = s.state?.waiting;
    const last = s.lastState?.terminated ?? s.state?.terminated;
    const memoryLimit = specs.get(s.name)?.resources?.limits?.memory;
    const finishedAt = timeOf(last?.finishedAt);
    return {
      name: s.name,
      image: s.image,
      imageID: s.imageID,
      ready: s.ready,
      restarts: s.restartCount,
      ...(memoryLimit ? { memoryLimit } : {}),
      ...(waiting?.reason ? { waiting: { reason: waiting.reason, message: waiting.message ?? '' } } : {}),
      ...(last?.reason
        ? {
            lastTerminated: {
              reason: last.reason,
              exitCode: last.exitCode,
              ...(finishedAt !== undefined ? { finishedAt } : {}),
            },
          }
        : {}),
    };
  });
  const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const disruption = p.status?.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  const ended =
    timeOf(disruption?.lastTransitionTime) ??
    Math.max(...containers.map((c) => c.lastTerminated?.finishedAt ?? Number.NEGATIVE_INFINITY));
  const requests = (p.spec?.containers ?? []).reduce(
    (sum, c) => ({
      cpu: sum.cpu + parseQuantity(c.resources?.requests?.cpu),
      memory: sum.memory + parseQuantity(c.resources?.requests?.memory),
    }),
    { cpu: 0, memory: 0 },
  );
  const createdAt = timeOf(p.metadata?.creationTimestamp);
  const since = timeOf(scheduled?.lastTransitionTime);
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ...(p.status?.reason ? { reason: p.status.reason } : {}),
    ...(p.status?.message ? { message: p.status.message } : {}),
    ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(Number.isFinite(ended) ? { endedAt: ended } : {}),
    labels: p.metadata?.labels ?? {},
    containers,
    ...(scheduled?.status === 'False'
      ? {
          unschedulable: {
            message: scheduled.message ?? scheduled.reason ?? '',
            ...(since !== undefined ? { since } : {}),
          },
        }
      : {}),
    requests,
  };
}

const FsStats = z.object({ capacityBytes: z.number(), usedBytes: z.number() });

/** The parts of the kubelet's `stats/summary` opsbot reads. */
export const StatsSummary = z.object({
  node: z.object({ nodeName: z.string(), fs: FsStats }),
  pods: z
    .array(
      z.object({
        podRef: z.object({ name: z.string(), namespace: z.string() }),
        'ephemeral-storage': z.object({ usedBytes: z.number() }).optional(),
      }),
    )
    .default([]),
});

export function toNodeStorage(body: unknown): NodeStorageStats {
  const summary = StatsSummary.parse(typeof body === 'string' ? JSON.parse(body) : body);
  const topPods = summary.pods
    .map((p) => ({
      namespace: p.podRef.namespace,
      name: p.podRef.name,
      usedBytes: p['ephemeral-storage']?.usedBytes ?? 0,
    }))
    .sort((a, b) => b.usedBytes - a.usedBytes)
    .slice(0, 3);
  return {
    node: summary.node.nodeName,
    capacityBytes: summary.node.fs.capacityBytes,
    usedBytes: summary.node.fs.usedBytes,
    topPods,
  };
}

const Condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

function toConditions(conditions: z.infer<typeof Condition>[]): NodeConditionState[] {
  return conditions.map((c) => {
    const since = timeOf(c.lastTransitionTime);
    return {
      type: c.type,
      status: c.status,
      reason: c.reason ?? '',
      message: c.message ?? '',
      ...(since !== undefined ? { since } : {}),
    };
  });
}

const Quantities = z.record(z.string(), z.union([z.string(), z.number()]));

/** Karpenter `karpenter.sh/v1` NodePool, as far as readiness and limits go. */
export const NodePoolObject = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.object({ limits: Quantities.optional() }).optional(),
  status: z
    .object({ conditions: z.array(Condition).default([]), resources: Quantities.optional() })
    .optional(),
});

export function toNodePool(raw: unknown): NodePoolState {
  const p = NodePoolObject.parse(raw);
  const conditions = p.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const bad = conditions.find((c) => c.status !== 'True');
  const limit = (k: string) => {
    const v = p.spec?.limits?.[k];
    return v === undefined ? undefined : parseQuantity(String(v));
  };
  const used = (k: string) => parseQuantity(String(p.status?.resources?.[k] ?? '0'));
  const cpu = limit('cpu');
  const memory = limit('memory');
  return {
    name: p.metadata.name,
    ready: ready?.status === 'True',
    ...(bad ? { notReady: { type: bad.type, reason: bad.reason ?? '', message: bad.message ?? '' } } : {}),
    limits: { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) },
    used: { cpu: used('cpu'), memory: used('memory'), nodes: used('nodes') },
  };
}

export const NodeClaimObject = z.object({
  metadata: z.object({
    name: z.string(),
    creationTimestamp: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
  status: z
    .object({ nodeName: z.string().optional(), conditions: z.array(Condition).default([]) })
    .optional(),
});

export function toNodeClaim(raw: unknown): NodeClaimState {
  const c = NodeClaimObject.parse(raw);
  const createdAt = timeOf(c.metadata.creationTimestamp);
  return {
    name: c.metadata.name,
    pool: c.metadata.labels?.['karpenter.sh/nodepool'] ?? '',
    ...(c.status?.nodeName ? { nodeName: c.status.nodeName } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    conditions: toConditions(c.status?.conditions ?? []),
  };
}
