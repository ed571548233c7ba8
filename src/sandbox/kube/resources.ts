/** The API resources each simulated cluster serves; discovery documents are generated from this list. */
export interface SubresourceDef {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDef[];
  /** Whether spec changes bump metadata.generation. */
  generation?: boolean;
  /** Served from a CustomResourceDefinition (list items keep kind/apiVersion; no strategic merge patch). */
  crd?: boolean;
  /** Computed on each read rather than stored (metrics.k8s.io). */
  virtual?: boolean;
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const status = (kind: string): SubresourceDef => ({ name: 'status', kind, verbs: ['get'] });
const scale: SubresourceDef = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
};

export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: READ,
    shortNames: ['ns'],
    subresources: [status('Namespace')],
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: ['delete', ...READ],
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      status('Pod'),
    ],
  },
  {
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    verbs: READ,
    shortNames: ['no'],
    subresources: [status('Node'), { name: 'proxy', kind: 'NodeProxyOptions', verbs: ['get'] }],
  },
  {
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: READ,
    shortNames: ['ev'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    verbs: WRITE,
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: WRITE,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [status('Service')],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: WRITE,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [scale, status('Deployment')],
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: READ,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [status('ReplicaSet')],
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    verbs: READ,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [status('DaemonSet')],
    generation: true,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    verbs: READ,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [status('HorizontalPodAutoscaler')],
  },
  {
    group: 'karpenter.sh',
    version: 'v1',
    plural: 'nodepools',
    singular: 'nodepool',
    kind: 'NodePool',
    namespaced: false,
    verbs: READ,
    categories: ['karpenter'],
    subresources: [status('NodePool')],
    generation: true,
    crd: true,
  },
  {
    group: 'karpenter.sh',
    version: 'v1',
    plural: 'nodeclaims',
    singular: 'nodeclaim',
    kind: 'NodeClaim',
    namespaced: false,
    verbs: READ,
    categories: ['karpenter'],
    subresources: [status('NodeClaim')],
    generation: true,
    crd: true,
  },
  ...(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const).map(
    (kind): ResourceDef => ({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      plural: `${kind.toLowerCase()}s`,
      singular: kind.toLowerCase(),
      kind,
      namespaced: !kind.startsWith('Cluster'),
      verbs: WRITE,
    }),
  ),
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
  },
  // metrics-server's aggregated API (kubectl top): usage computed from the simulated pods on each read.
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    plural: 'nodes',
    singular: '',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: ['get', 'list'],
    virtual: true,
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    plural: 'pods',
    singular: '',
    kind: 'PodMetrics',
    namespaced: true,
    verbs: ['get', 'list'],
    virtual: true,
  },
];

/** `deployments.apps`, `pods`: the qualified resource used in store keys and error messages. */
export function resourceKey(def: Pick<ResourceDef, 'plural' | 'group'>): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceByKey(key: string): ResourceDef {
  const def = RESOURCES.find((r) => resourceKey(r) === key);
  if (!def) throw new Error(`unknown resource ${key}`);
  return def;
}

/** Group → versions served, in preference order. */
export function servedGroups(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return groups;
}
