import type { ClusterSim } from './cluster-sim.js';
import { parseQuantity } from './quantity.js';
import { fnv32a } from './random.js';
import type { RequestContext } from './request-context.js';
import { sendObject } from './respond.js';
import { matchesLabels, parseLabelSelector } from './selectors.js';
import { notFound } from './status-errors.js';
import type { KubeObject, NodeObject, Pod } from './types.js';
import { kubeTime } from './types.js';

const MiB = 1024 ** 2;
const API_VERSION = 'metrics.k8s.io/v1beta1';

interface Usage {
  cores: number;
  bytes: number;
}

/** Stable per-container usage: a share of the requests (or a small footprint without any). */
function containerUsage(pod: Pod, c: Pod['spec']['containers'][number]): Usage {
  const u = (fnv32a(`${pod.metadata.uid ?? pod.metadata.name}/${c.name}`) % 1000) / 1000;
  const req = c.resources?.requests ?? {};
  const cpu = req.cpu ? parseQuantity(req.cpu) : 0;
  const mem = req.memory ? parseQuantity(req.memory) : 0;
  return {
    cores: cpu ? cpu * (0.12 + 0.5 * u) : 0.002 + 0.02 * u,
    bytes: mem ? mem * (0.3 + 0.5 * u) : (20 + 100 * u) * MiB,
  };
}

/** metrics-server only reports pods whose containers run. */
function measured(pod: Pod): boolean {
  return pod.status.phase === 'Running' && Boolean(pod.spec.nodeName) && !pod.metadata.deletionTimestamp;
}

const cpu = (cores: number) => `${Math.max(1, Math.round(cores * 1e9))}n`;
const memory = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

function podMetrics(sim: ClusterSim, pod: Pod) {
  const now = sim.clock.now();
  return {
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      creationTimestamp: kubeTime(now),
      labels: pod.metadata.labels ?? {},
    },
    timestamp: kubeTime(now - 7_000),
    window: '16.032s',
    containers: pod.spec.containers.map((c) => {
      const u = containerUsage(pod, c);
      return { name: c.name, usage: { cpu: cpu(u.cores), memory: memory(u.bytes) } };
    }),
  };
}

function nodeMetrics(sim: ClusterSim, node: NodeObject, pods: readonly Pod[]) {
  const now = sim.clock.now();
  const mine = pods.filter((p) => p.spec.nodeName === node.metadata.name && measured(p));
  const total = { cores: 0.06, bytes: 520 * MiB };
  for (const p of mine)
    for (const c of p.spec.containers) {
      const u = containerUsage(p, c);
      total.cores += u.cores;
      total.bytes += u.bytes;
    }
  return {
    kind: 'NodeMetrics',
    apiVersion: API_VERSION,
    metadata: {
      name: node.metadata.name,
      creationTimestamp: kubeTime(now),
      labels: node.metadata.labels ?? {},
    },
    timestamp: kubeTime(now - 9_000),
    window: '20.056s',
    usage: { cpu: cpu(total.cores), memory: memory(total.bytes) },
  };
}

function selected(ctx: RequestContext, obj: KubeObject): boolean {
  return matchesLabels(parseLabelSelector(ctx.query.get('labelSelector')), obj.metadata.labels);
}

/** GET on metrics.k8s.io/v1beta1 nodes and pods (list or one), from the simulated pods' requests. */
export function serveMetrics(ctx: RequestContext): void {
  const { sim, route } = ctx;
  const pods = sim.store.peek<Pod>('pods', route.namespace);
  if (route.def.plural === 'nodes') {
    const nodes = sim.store.peek<NodeObject>('nodes');
    if (route.name !== undefined) {
      const node = nodes.find((n) => n.metadata.name === route.name);
      if (!node) throw notFound(route.def, route.name);
      sendObject(ctx.res, 200, nodeMetrics(sim, node, sim.store.peek<Pod>('pods')));
      return;
    }
    const items = nodes.filter((n) => selected(ctx, n)).map((n) => nodeMetrics(sim, n, pods));
    sendObject(ctx.res, 200, { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items });
    return;
  }
  if (route.name !== undefined) {
    const pod = pods.find((p) => p.metadata.name === route.name && measured(p));
    if (!pod) throw notFound(route.def, route.name);
    sendObject(ctx.res, 200, podMetrics(sim, pod));
    return;
  }
  const items = pods
    .filter((p) => measured(p) && selected(ctx, p))
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    )
    .map((p) => podMetrics(sim, p));
  sendObject(ctx.res, 200, { kind: 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items });
}
