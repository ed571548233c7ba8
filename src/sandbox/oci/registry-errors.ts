import type { IncomingMessage, ServerResponse } from 'node:http';

/** Error codes of the OCI distribution spec that this registry answers with. */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNAVAILABLE';

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: RegistryErrorCode, message: string, detail?: unknown): unknown {
  return { errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] };
}

/** Body for injected faults (`Faults`), in the spec's error shape. */
export function faultBody(status: number): unknown {
  return status === 429
    ? errorBody('TOOMANYREQUESTS', 'too many requests')
    : errorBody('UNAVAILABLE', `service unavailable (injected ${status})`);
}

/** Writes a spec error; HEAD responses carry the status and headers only. */
export function sendRegistryError(req: IncomingMessage, res: ServerResponse, err: RegistryError): void {
  const text = JSON.stringify(errorBody(err.code, err.message, err.detail));
  res.writeHead(err.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...err.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
