import type { IncomingMessage } from 'node:http';
import type { ObjectStore } from './object-store.js';
import { type Attributes, authorize, forbiddenMessage, type UserInfo } from './rbac.js';
import { pathSegments } from './route.js';
import { forbidden } from './status-errors.js';

const VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The API server's RequestInfo: verb, resource, subresource, name and namespace read off the path alone. */
export function requestAttributes(method: string, pathname: string, query: URLSearchParams): Attributes {
  const a: Attributes = {
    verb: method.toLowerCase(),
    resourceRequest: false,
    path: pathname,
    apiGroup: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  let parts = pathSegments(pathname);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return a;
  const prefix = parts[0];
  parts = parts.slice(1);
  if (prefix === 'apis') {
    if (parts.length < 3) return a;
    a.apiGroup = parts[0] ?? '';
    parts = parts.slice(1);
  }
  a.resourceRequest = true;
  parts = parts.slice(1);
  if (parts[0] === 'watch' || parts[0] === 'proxy') {
    a.verb = parts[0];
    parts = parts.slice(1);
  } else a.verb = VERBS[method] ?? '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    a.namespace = parts[1] ?? '';
    if (parts.length > 2 && parts[2] !== 'status' && parts[2] !== 'finalize') parts = parts.slice(2);
  }
  if (parts.length >= 3 && a.verb !== 'proxy') a.subresource = parts[2] ?? '';
  if (parts.length >= 2) a.name = parts[1] ?? '';
  a.resource = parts[0] ?? '';
  if (!a.name && a.verb === 'get') {
    const watch = query.get('watch');
    a.verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    const byName = /^metadata\.name==?([^,]+)$/.exec(query.get('fieldSelector') ?? '');
    if (byName?.[1]) a.name = byName[1];
  }
  if (!a.name && a.verb === 'delete') a.verb = 'deletecollection';
  return a;
}

function headerValues(req: IncomingMessage, name: string): string[] {
  return req.headersDistinct?.[name] ?? [];
}

/**
 * Impersonation (`kubectl --as/--as-group`): the authenticated user must be allowed to impersonate each
 * user and group it asks for; the request then runs as that user, with the groups it named.
 */
export function impersonate(req: IncomingMessage, store: ObjectStore, user: UserInfo): UserInfo {
  const [as] = headerValues(req, 'impersonate-user');
  const groups = headerValues(req, 'impersonate-group');
  if (as === undefined) {
    if (groups.length === 0) return user;
    throw forbidden(undefined, '', 'requested [impersonate-group] without impersonating a user');
  }
  const check = (resource: string, name: string) => {
    const a: Attributes = {
      verb: 'impersonate',
      resourceRequest: true,
      path: '',
      apiGroup: '',
      namespace: '',
      resource,
      subresource: '',
      name,
    };
    if (!authorize(store, user, a).allowed)
      throw forbidden({ group: '', resource }, name, forbiddenMessage(user, a));
  };
  check('users', as);
  for (const g of groups) check('groups', g);
  const implicit = as === 'system:anonymous' ? 'system:unauthenticated' : 'system:authenticated';
  return { username: as, groups: [...groups.filter((g) => g !== implicit), implicit] };
}

/** 403 unless RBAC allows the request, with the message and Status details the API server sends. */
export function admit(store: ObjectStore, user: UserInfo, a: Attributes): void {
  if (authorize(store, user, a).allowed) return;
  const resource = a.resourceRequest ? { group: a.apiGroup, resource: a.resource } : undefined;
  throw forbidden(resource, a.name, forbiddenMessage(user, a));
}
