import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../shared/http.js';
import type { RegistryAuth } from './registry-auth.js';
import { RegistryError } from './registry-errors.js';
import type { RegistryStore } from './registry-store.js';
import type { UploadSessions } from './upload-sessions.js';

/** What every route handler of one registry instance needs for one request. */
export interface RegistryContext {
  store: RegistryStore;
  auth: RegistryAuth;
  uploads: UploadSessions;
  /** `http://<host>` as the client addressed us; used in Location and challenges. */
  baseUrl: string;
  req: IncomingMessage;
  res: ServerResponse;
  /** Upload bytes and requests seen, and a one-shot cut of an upload (tests of resumed uploads). */
  traffic?: UploadTraffic;
  /** Before a manifest is served: a pull-through cache fills or refreshes the tag. */
  onPull?: (repo: string, ref: string) => void;
}

export interface UploadTraffic {
  /** Requests by method (`POST`, `PATCH`, `PUT`, `HEAD`, `GET` …). */
  requests: Record<string, number>;
  /** Body bytes the registry kept from upload requests (PATCH/PUT/POST): bytes sent twice count twice. */
  uploadedBytes: number;
  /** Blobs mounted from another repository (201 to `?mount=`). */
  mounted: number;
  /** The next upload that reaches this many bytes of its session is cut there (connection reset), once. */
  cutAt?: number;
}

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export function requireRepository(ctx: RegistryContext, repo: string): void {
  if (!ctx.store.hasRepository(repo))
    throw new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repo });
}

export async function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readBody(req, limit);
  } catch {
    throw new RegistryError(413, 'SIZE_INVALID', `body exceeds ${limit} bytes`);
  }
}

/** Sends an empty-bodied answer (201/202/204) with the given headers. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

export function sendContent(ctx: RegistryContext, body: Buffer, headers: Record<string, string>): void {
  ctx.res.writeHead(200, { 'content-length': String(body.length), ...headers });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
}
