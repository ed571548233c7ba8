import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Coder's `codersdk.Response`, the body of every API error. */
export interface CoderResponse {
  message: string;
  detail?: string;
  validations?: { field: string; detail: string }[];
}

/** A finished HTTP answer; handlers build one and the server writes it (`sendReply`). */
export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(reply.body),
    ...reply.headers,
  });
  res.end(reply.body);
}

/** JSON the way coderd's `httpapi.Write` sends it (content type with charset). */
export function coderJson(status: number, body: unknown): Reply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

export function coderError(status: number, response: CoderResponse): Reply {
  return coderJson(status, response);
}

export function plainText(status: number, text: string): Reply {
  return { status, contentType: 'text/plain; charset=utf-8', body: text };
}

export const routeNotFound = (): Reply => coderError(404, { message: 'Route not found.' });

export const resourceNotFound = (): Reply =>
  coderError(404, { message: 'Resource not found or you do not have access to this resource' });

export const methodNotAllowed = (): Reply => coderError(405, { message: 'Method not allowed.' });

/** What a load balancer answers when no pod is ready behind it. */
export const noHealthyUpstream = (): Reply => plainText(503, 'no healthy upstream');

/** A UUID derived from a seed, so simulated ids are stable across requests and restarts. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The Coder version an image reports. The sandbox cannot read a version out of a digest, so two
 * different digests are two different builds: `v2.28.0+<first 7 hex of the digest>`.
 */
export function versionForDigest(base: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, '').slice(0, 7);
  return hex ? `${base}+${hex}` : base;
}
