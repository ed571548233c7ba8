import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { unauthorized } from './status-errors.js';

export type TokenValidator = (
  token: string,
  eksClusterName: string,
) => { ok: true; principal: string } | { ok: false; reason: string };

export interface Authenticator {
  staticToken: string;
  validateToken?: TokenValidator;
}

function sameToken(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Bearer-token authentication as on EKS: the kubeconfig's static token, or a `k8s-aws-v1.` token the
 * AWS sandbox vouches for. Failures are a bare 401 Unauthorized; the reason never reaches the client.
 */
export function authenticate(req: IncomingMessage, auth: Authenticator, eksName: string): string {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const token = m?.[1];
  if (!token) throw unauthorized();
  if (sameToken(token, auth.staticToken)) return 'kubernetes-admin';
  if (token.startsWith('k8s-aws-v1.') && auth.validateToken) {
    const result = auth.validateToken(token, eksName);
    if (result.ok) return result.principal;
  }
  throw unauthorized();
}
