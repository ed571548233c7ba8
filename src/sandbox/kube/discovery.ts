import { createHash } from 'node:crypto';
import { apiVersionOf, RESOURCES, type ResourceDef, servedGroups } from './resources.js';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the client asked for aggregated discovery (kubectl ≥ 1.30 does, with plain JSON as fallback). */
export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some(
      (part) =>
        /as=APIGroupDiscoveryList/.test(part) &&
        /g=apidiscovery\.k8s\.io/.test(part) &&
        /v=v2(;|$)/.test(part.replace(/\s/g, '')),
    );
}

export const AGGREGATED_CONTENT_TYPE = AGGREGATED;

export function versionInfo() {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.5-eks-5d4a308',
    gitCommit: '8ec57d2a1d6c7d1a5e24f6ab9b1b3c0a7ed5ff2e',
    gitTreeState: 'clean',
    buildDate: '2025-05-20T16:09:27Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function hash(def: ResourceDef): string {
  return createHash('sha256')
    .update(`${apiVersionOf(def)}/${def.plural}`)
    .digest('base64')
    .slice(0, 11);
}

function resourceList(group: string, version: string) {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: hash(r),
    },
    ...(r.subresources ?? []).map((s) => ({
      name: `${r.plural}/${s.name}`,
      singularName: '',
      namespaced: r.namespaced,
      ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
      kind: s.kind,
      verbs: s.verbs,
    })),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function apiGroup(name: string, versions: string[]) {
  const gv = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

function discoveryResource(r: ResourceDef) {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources?.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

function aggregatedGroup(name: string, versions: string[]) {
  return {
    metadata: name ? { name, creationTimestamp: null } : { creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: RESOURCES.filter((r) => r.group === name && r.version === version).map(discoveryResource),
      freshness: 'Current',
    })),
  };
}

/** `/api` or `/apis`, in the aggregated (v2) or legacy form. */
export function rootDiscovery(path: '/api' | '/apis', aggregated: boolean): unknown {
  const groups = [...servedGroups().entries()].filter(([g]) => (path === '/api' ? g === '' : g !== ''));
  if (aggregated)
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: groups.map(([g, v]) => aggregatedGroup(g, v)),
    };
  if (path === '/api')
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.20.0.1:443' }],
    };
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(([g, v]) => apiGroup(g, v)) };
}

/** `/api/v1`, `/apis/<group>` or `/apis/<group>/<version>`; undefined when not served. */
export function groupDiscovery(segments: string[]): unknown {
  const groups = servedGroups();
  if (segments[0] === 'api')
    return segments[1] === 'v1' && segments.length === 2 ? resourceList('', 'v1') : undefined;
  const [, group = '', version] = segments;
  const versions = groups.get(group);
  if (!versions || group === '') return undefined;
  if (version === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
  return versions.includes(version) && segments.length === 3 ? resourceList(group, version) : undefined;
}
