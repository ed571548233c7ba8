import { humanDuration } from './human-duration.js';
import { podReadyText, podRestartsText, podStatusText } from './pod-columns.js';
import { selectorString } from './selectors.js';
import type { Deployment, EventObject, KubeObject, NodeObject, Pod, ReplicaSet } from './types.js';

interface Column {
  name: string;
  type?: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  cell: (o: KubeObject, now: number) => string | number;
}

const age = (o: KubeObject, now: number) =>
  humanDuration(now - Date.parse(o.metadata.creationTimestamp ?? ''));
const nameCol: Column = { name: 'Name', format: 'name', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', cell: age };
const num = (v: number | undefined) => v ?? 0;
const images = (cs: { image: string }[]) => cs.map((c) => c.image).join(',');
const names = (cs: { name: string }[]) => cs.map((c) => c.name).join(',');
const spec = (o: KubeObject) => (o.spec ?? {}) as Record<string, unknown>;
const status = (o: KubeObject) => (o.status ?? {}) as Record<string, unknown>;

const COLUMNS: Record<string, Column[]> = {
  pods: [
    nameCol,
    { name: 'Ready', cell: (o) => podReadyText(o as Pod) },
    { name: 'Status', cell: (o) => podStatusText(o as Pod) },
    { name: 'Restarts', cell: (o, now) => podRestartsText(o as Pod, now) },
    ageCol,
    { name: 'IP', priority: 1, cell: (o) => (o as Pod).status.podIP ?? '<none>' },
    { name: 'Node', priority: 1, cell: (o) => (o as Pod).spec.nodeName ?? '<none>' },
    { name: 'Nominated Node', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', priority: 1, cell: () => '<none>' },
  ],
  'deployments.apps': [
    nameCol,
    {
      name: 'Ready',
      cell: (o) => `${num((o as Deployment).status.readyReplicas)}/${(o as Deployment).spec.replicas}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num((o as Deployment).status.updatedReplicas) },
    { name: 'Available', type: 'integer', cell: (o) => num((o as Deployment).status.availableReplicas) },
    ageCol,
    { name: 'Containers', priority: 1, cell: (o) => names((o as Deployment).spec.template.spec.containers) },
    { name: 'Images', priority: 1, cell: (o) => images((o as Deployment).spec.template.spec.containers) },
    { name: 'Selector', priority: 1, cell: (o) => selectorString((o as Deployment).spec.selector) },
  ],
  'replicasets.apps': [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => (o as ReplicaSet).spec.replicas },
    { name: 'Current', type: 'integer', cell: (o) => num((o as ReplicaSet).status.replicas) },
    { name: 'Ready', type: 'integer', cell: (o) => num((o as ReplicaSet).status.readyReplicas) },
    ageCol,
    { name: 'Containers', priority: 1, cell: (o) => names((o as ReplicaSet).spec.template.spec.containers) },
    { name: 'Images', priority: 1, cell: (o) => images((o as ReplicaSet).spec.template.spec.containers) },
    { name: 'Selector', priority: 1, cell: (o) => selectorString((o as ReplicaSet).spec.selector) },
  ],
  nodes: [
    nameCol,
    { name: 'Status', cell: (o) => nodeStatus(o as NodeObject) },
    { name: 'Roles', cell: () => '<none>' },
    ageCol,
    { name: 'Version', cell: (o) => (o as NodeObject).status.nodeInfo.kubeletVersion ?? '' },
    { name: 'Internal-IP', priority: 1, cell: (o) => addr(o as NodeObject, 'InternalIP') },
    { name: 'External-IP', priority: 1, cell: (o) => addr(o as NodeObject, 'ExternalIP') },
    { name: 'OS-Image', priority: 1, cell: (o) => (o as NodeObject).status.nodeInfo.osImage ?? '' },
    {
      name: 'Kernel-Version',
      priority: 1,
      cell: (o) => (o as NodeObject).status.nodeInfo.kernelVersion ?? '',
    },
    {
      name: 'Container-Runtime',
      priority: 1,
      cell: (o) => (o as NodeObject).status.nodeInfo.containerRuntimeVersion ?? '',
    },
  ],
  namespaces: [nameCol, { name: 'Status', cell: (o) => String(status(o).phase ?? '') }, ageCol],
  secrets: [
    nameCol,
    { name: 'Type', cell: (o) => String(o.type ?? '') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object | undefined) ?? {}).length },
    ageCol,
  ],
  services: [
    nameCol,
    { name: 'Type', cell: (o) => String(spec(o).type ?? '') },
    { name: 'Cluster-IP', cell: (o) => String(spec(o).clusterIP ?? '<none>') },
    { name: 'External-IP', cell: () => '<none>' },
    { name: 'Port(s)', cell: (o) => servicePorts(o) },
    ageCol,
    {
      name: 'Selector',
      priority: 1,
      cell: (o) =>
        Object.entries((spec(o).selector as Record<string, string> | undefined) ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
  ],
  events: [
    {
      name: 'Last Seen',
      cell: (o, now) => humanDuration(now - Date.parse((o as EventObject).lastTimestamp)),
    },
    { name: 'Type', cell: (o) => (o as EventObject).type },
    { name: 'Reason', cell: (o) => (o as EventObject).reason },
    {
      name: 'Object',
      cell: (o) =>
        `${(o as EventObject).involvedObject.kind.toLowerCase()}/${(o as EventObject).involvedObject.name}`,
    },
    { name: 'Message', cell: (o) => (o as EventObject).message },
  ],
  'daemonsets.apps': [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => Number(status(o).desiredNumberScheduled ?? 0) },
    { name: 'Current', type: 'integer', cell: (o) => Number(status(o).currentNumberScheduled ?? 0) },
    { name: 'Ready', type: 'integer', cell: (o) => Number(status(o).numberReady ?? 0) },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(status(o).updatedNumberScheduled ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(status(o).numberAvailable ?? 0) },
    { name: 'Node Selector', cell: () => '<none>' },
    ageCol,
  ],
  'horizontalpodautoscalers.autoscaling': [
    nameCol,
    { name: 'Reference', cell: (o) => `Deployment/${(spec(o).scaleTargetRef as { name: string }).name}` },
    { name: 'Targets', cell: () => 'cpu: 35%/70%' },
    { name: 'MinPods', type: 'integer', cell: (o) => Number(spec(o).minReplicas ?? 1) },
    { name: 'MaxPods', type: 'integer', cell: (o) => Number(spec(o).maxReplicas ?? 0) },
    { name: 'Replicas', type: 'integer', cell: (o) => Number(status(o).currentReplicas ?? 0) },
    ageCol,
  ],
  // Karpenter's CRDs declare these additionalPrinterColumns.
  'nodepools.karpenter.sh': [
    nameCol,
    {
      name: 'NodeClass',
      cell: (o) =>
        String((spec(o).template as { spec: { nodeClassRef: { name: string } } }).spec.nodeClassRef.name),
    },
    {
      name: 'Nodes',
      cell: (o) => String((status(o).resources as Record<string, string> | undefined)?.nodes ?? ''),
    },
    { name: 'Ready', cell: (o) => readyCond(o) },
    ageCol,
  ],
  'nodeclaims.karpenter.sh': [
    nameCol,
    { name: 'Type', cell: (o) => o.metadata.labels?.['node.kubernetes.io/instance-type'] ?? '' },
    { name: 'Capacity', cell: (o) => o.metadata.labels?.['karpenter.sh/capacity-type'] ?? '' },
    { name: 'Zone', cell: (o) => o.metadata.labels?.['topology.kubernetes.io/zone'] ?? '' },
    { name: 'Node', cell: (o) => String(status(o).nodeName ?? '') },
    { name: 'Ready', cell: (o) => readyCond(o) },
    ageCol,
  ],
};

function servicePorts(o: KubeObject): string {
  const ports = (spec(o).ports as { port: number; protocol?: string; nodePort?: number }[] | undefined) ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function readyCond(o: KubeObject): string {
  const conds = (status(o).conditions as { type: string; status: string }[] | undefined) ?? [];
  return conds.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}

function addr(n: NodeObject, type: string): string {
  return n.status.addresses.find((a) => a.type === type)?.address ?? '<none>';
}

function nodeStatus(n: NodeObject): string {
  const ready = n.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
  return `${ready ? 'Ready' : 'NotReady'}${n.spec.unschedulable ? ',SchedulingDisabled' : ''}`;
}

const DEFAULT_COLUMNS: Column[] = [
  nameCol,
  { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp ?? '' },
];

/** True when the Accept header asks for a meta.k8s.io Table (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((p) => /as=Table/.test(p) && /g=meta\.k8s\.io/.test(p));
}

/** A meta.k8s.io/v1 Table, rows carrying PartialObjectMetadata as with includeObject=Metadata. */
export function toTable(
  resource: string,
  objects: KubeObject[],
  now: number,
  listMeta: Record<string, unknown>,
  includeObject: string | null,
) {
  const cols = COLUMNS[resource] ?? DEFAULT_COLUMNS;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c.format ?? '',
      description: c.name === 'Name' ? 'Name must be unique within a namespace.' : '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? null
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
