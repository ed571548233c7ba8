import { type ResourceDef, resourceKey } from './resources.js';

/** A metav1.Status, the body of every error the API server returns. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason: string; message: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export class KubeError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'KubeError';
  }
}

function status(code: number, reason: string, message: string, details?: Status['details']): KubeError {
  return new KubeError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function qualified(def: Pick<ResourceDef, 'group' | 'plural'>, name?: string): Status['details'] {
  return {
    ...(name !== undefined ? { name } : {}),
    ...(def.group ? { group: def.group } : {}),
    kind: def.plural,
  };
}

export function notFound(def: Pick<ResourceDef, 'group' | 'plural'>, name: string): KubeError {
  return status(404, 'NotFound', `${resourceKey(def)} "${name}" not found`, qualified(def, name));
}

export function pathNotFound(): KubeError {
  return status(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function conflict(def: Pick<ResourceDef, 'group' | 'plural'>, name: string): KubeError {
  return status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resourceKey(def)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    qualified(def, name),
  );
}

export interface FieldCause {
  field: string;
  /** e.g. `Invalid value: -1: must be greater than or equal to 0` */
  message: string;
  reason?: string;
}

/** 422 as `errors.NewInvalid(GroupKind, name, fieldErrors)` renders it. */
export function invalid(kind: string, group: string, name: string, causes: FieldCause[]): KubeError {
  const gk = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return status(422, 'Invalid', `${gk} "${name}" is invalid: ${joined}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => ({
      reason: c.reason ?? 'FieldValueInvalid',
      message: c.message,
      field: c.field,
    })),
  });
}

/** 422 from a JSON patch that does not apply (`NewGenericServerResponse(422, …)`). */
export function unprocessable(serverMessage: string): KubeError {
  return status(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
  });
}

export function badRequest(message: string): KubeError {
  return status(400, 'BadRequest', message);
}

export function unsupportedMediaType(accepted: string[]): KubeError {
  return status(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function methodNotAllowed(def: Pick<ResourceDef, 'group' | 'plural'>): KubeError {
  return status(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    qualified(def),
  );
}

export function expired(message: string, continueToken?: string): KubeError {
  const err = status(410, 'Expired', message);
  if (continueToken) err.status.metadata.continue = continueToken;
  return err;
}

export function unauthorized(): KubeError {
  return status(401, 'Unauthorized', 'Unauthorized');
}

/** Bodies for injected faults, shaped like what the API server (or its front door) sends. */
export function faultStatus(code: number, retryAfter?: number): Status {
  const reasons: Record<number, [string, string]> = {
    429: ['TooManyRequests', 'Too many requests, please try again later.'],
    500: ['InternalError', 'Internal error occurred: sandbox injected fault'],
    502: [
      'InternalError',
      'an error on the server ("Bad Gateway") has prevented the request from succeeding',
    ],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: [
      'Timeout',
      'the server was unable to return a response in the time allotted, but may still be processing the request',
    ],
  };
  const [reason, message] = reasons[code] ?? ['InternalError', `sandbox injected fault ${code}`];
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(retryAfter !== undefined ? { details: { retryAfterSeconds: retryAfter } } : {}),
    code,
  };
}

export function alreadyExists(def: Pick<ResourceDef, 'group' | 'plural'>, name: string): KubeError {
  return status(409, 'AlreadyExists', `${resourceKey(def)} "${name}" already exists`, qualified(def, name));
}

/** 409 from server-side apply (`NewApplyConflict`): one cause per conflicting field. */
export function applyConflict(message: string, causes: { message: string; field: string }[]): KubeError {
  return status(409, 'Conflict', message, {
    causes: causes.map((c) => ({ reason: 'FieldManagerConflict', ...c })),
  });
}

/**
 * 403 as `NewForbidden` renders an authorization denial: `<resource> "<name>" is forbidden: <why>`, or
 * `forbidden: <why>` for a non-resource path.
 */
export function forbidden(
  resource: { group: string; resource: string } | undefined,
  name: string,
  why: string,
) {
  if (!resource?.resource) return status(403, 'Forbidden', `forbidden: ${why}`, {});
  const qualifiedName = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
  return status(
    403,
    'Forbidden',
    name ? `${qualifiedName} "${name}" is forbidden: ${why}` : `${qualifiedName} is forbidden: ${why}`,
    {
      ...(name ? { name } : {}),
      ...(resource.group ? { group: resource.group } : {}),
      kind: resource.resource,
    },
  );
}
