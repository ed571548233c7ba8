import type { EventObject, KubeObject, NodeObject, Pod } from './types.js';

/** The field-selector fields each resource supports (as the API server's per-type field label conversions). */
type FieldGetter = (obj: KubeObject) => Record<string, string>;

const meta: FieldGetter = (o) => ({
  'metadata.name': o.metadata.name,
  ...(o.metadata.namespace !== undefined ? { 'metadata.namespace': o.metadata.namespace } : {}),
});

const GETTERS: Record<string, FieldGetter> = {
  pods: (o) => {
    const p = o as Pod;
    return {
      ...meta(o),
      'spec.nodeName': p.spec.nodeName ?? '',
      'spec.restartPolicy': String(p.spec.restartPolicy ?? 'Always'),
      'spec.schedulerName': String(p.spec.schedulerName ?? 'default-scheduler'),
      'spec.serviceAccountName': String(p.spec.serviceAccountName ?? 'default'),
      'spec.hostNetwork': String(p.spec.hostNetwork ?? false),
      'status.phase': p.status.phase,
      'status.podIP': p.status.podIP ?? '',
      'status.nominatedNodeName': '',
    };
  },
  events: (o) => {
    const e = o as EventObject;
    const io = e.involvedObject;
    return {
      ...meta(o),
      'involvedObject.kind': io.kind,
      'involvedObject.namespace': io.namespace ?? '',
      'involvedObject.name': io.name,
      'involvedObject.uid': io.uid ?? '',
      'involvedObject.apiVersion': io.apiVersion ?? '',
      'involvedObject.resourceVersion': io.resourceVersion ?? '',
      'involvedObject.fieldPath': io.fieldPath ?? '',
      reason: e.reason,
      reportingComponent: e.reportingComponent,
      source: e.source.component,
      type: e.type,
    };
  },
  nodes: (o) => ({ ...meta(o), 'spec.unschedulable': String((o as NodeObject).spec.unschedulable ?? false) }),
  secrets: (o) => ({ ...meta(o), type: String(o.type ?? '') }),
  namespaces: (o) => ({ ...meta(o), 'status.phase': String((o.status as { phase?: string })?.phase ?? '') }),
  'replicasets.apps': (o) => ({
    ...meta(o),
    'status.replicas': String((o.status as { replicas?: number })?.replicas ?? 0),
  }),
};

export function fieldsOf(resource: string, obj: KubeObject): Record<string, string> {
  return (GETTERS[resource] ?? meta)(obj);
}

const SAMPLE: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  'replicasets.apps': ['status.replicas'],
};

export function supportedFields(resource: string): Set<string> {
  return new Set(['metadata.name', 'metadata.namespace', ...(SAMPLE[resource] ?? [])]);
}
