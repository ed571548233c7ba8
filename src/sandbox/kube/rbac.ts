import type { ObjectStore } from './object-store.js';
import type { KubeObject } from './types.js';

/** Who a request runs as, after authentication and impersonation. */
export interface UserInfo {
  username: string;
  groups: string[];
}

/** authorizer.Attributes: what a request does, parsed from its path like the API server's RequestInfo. */
export interface Attributes {
  verb: string;
  resourceRequest: boolean;
  path: string;
  apiGroup: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding extends KubeObject {
  roleRef: { kind: string; name: string };
  subjects?: Subject[];
}

interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export const MASTERS = 'system:masters';

/** The bootstrap ClusterRoles every cluster carries (plugin/pkg/auth/authorizer/rbac/bootstrappolicy). */
const BOOTSTRAP: { name: string; group: string; rules: PolicyRule[] }[] = [
  { name: 'cluster-admin', group: MASTERS, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
  {
    name: 'system:discovery',
    group: 'system:authenticated',
    rules: [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
        ],
        verbs: ['get'],
      },
      { nonResourceURLs: ['/readyz', '/version', '/version/'], verbs: ['get'] },
    ],
  },
  {
    name: 'system:basic-user',
    group: 'system:authenticated',
    rules: [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ],
  },
];
const PUBLIC_INFO = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

function ruleAllows(a: Attributes, r: PolicyRule): boolean {
  if (!r.verbs.includes('*') && !r.verbs.includes(a.verb)) return false;
  if (!a.resourceRequest)
    return (r.nonResourceURLs ?? []).some((u) =>
      u.endsWith('*') ? a.path.startsWith(u.slice(0, -1)) : u === a.path,
    );
  const groups = r.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = (r.resources ?? []).some(
    (x) => x === '*' || x === combined || (a.subresource !== '' && x === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  return !r.resourceNames?.length || (a.name !== '' && r.resourceNames.includes(a.name));
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount')
    return user.username === `system:serviceaccount:${s.namespace ?? bindingNamespace}:${s.name}`;
  return false;
}

function describeSubject(s: Subject, bindingNamespace: string | undefined): string {
  if (s.kind === 'ServiceAccount')
    return `ServiceAccount ${JSON.stringify(`${s.name}/${s.namespace ?? bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/**
 * The RBAC authorizer over the Roles, ClusterRoles and bindings in the store plus the bootstrap policy:
 * system:masters may do anything; everyone gets public info; authenticated users discovery and self reviews.
 */
export function authorize(store: ObjectStore, user: UserInfo, a: Attributes): Decision {
  if (user.groups.includes(MASTERS)) return { allowed: true, reason: '' };
  if (!a.resourceRequest && a.verb === 'get' && PUBLIC_INFO.includes(a.path))
    return {
      allowed: true,
      reason: `RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "${user.groups.includes('system:authenticated') ? 'system:authenticated' : 'system:unauthenticated'}"`,
    };
  for (const b of BOOTSTRAP) {
    if (!user.groups.includes(b.group)) continue;
    if (b.rules.some((r) => ruleAllows(a, r)))
      return {
        allowed: true,
        reason: `RBAC: allowed by ClusterRoleBinding "${b.name}" of ClusterRole "${b.name}" to Group "${b.group}"`,
      };
  }
  const clusterRole = (name: string) =>
    store.peek<Role>('clusterroles.rbac.authorization.k8s.io').find((r) => r.metadata.name === name);
  for (const b of store.peek<Binding>('clusterrolebindings.rbac.authorization.k8s.io')) {
    const subject = b.subjects?.find((s) => subjectMatches(s, user, undefined));
    if (!subject || b.roleRef.kind !== 'ClusterRole') continue;
    if ((clusterRole(b.roleRef.name)?.rules ?? []).some((r) => ruleAllows(a, r)))
      return {
        allowed: true,
        reason: `RBAC: allowed by ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ClusterRole ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, undefined)}`,
      };
  }
  if (a.namespace && a.resourceRequest) {
    for (const b of store.peek<Binding>('rolebindings.rbac.authorization.k8s.io', a.namespace)) {
      const subject = b.subjects?.find((s) => subjectMatches(s, user, a.namespace));
      if (!subject) continue;
      const role =
        b.roleRef.kind === 'ClusterRole'
          ? clusterRole(b.roleRef.name)
          : store
              .peek<Role>('roles.rbac.authorization.k8s.io', a.namespace)
              .find((r) => r.metadata.name === b.roleRef.name);
      if ((role?.rules ?? []).some((r) => ruleAllows(a, r)))
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding ${JSON.stringify(`${b.metadata.name}/${a.namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, a.namespace)}`,
        };
    }
  }
  return { allowed: false, reason: '' };
}

/** `User "x" cannot list resource "pods" in API group "" in the namespace "coder"` (responsewriters). */
export function forbiddenMessage(user: UserInfo, a: Attributes): string {
  if (!a.resourceRequest)
    return `User ${JSON.stringify(user.username)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(user.username)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
}
