import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { MASTERS, type UserInfo } from './rbac.js';
import { unauthorized } from './status-errors.js';

export type TokenValidator = (
  token: string,
  eksClusterName: string,
) => { ok: true; principal: string } | { ok: false; reason: string };

/** An EKS access entry: the Kubernetes identity an IAM principal is mapped to. */
export interface AccessEntry {
  username?: string;
  groups: string[];
}

export interface Authenticator {
  staticToken: string;
  validateToken?: TokenValidator;
  /** IAM principal ARN → identity; principals without an entry are cluster admins (the creator's entry). */
  accessEntries?: Record<string, AccessEntry>;
}

function sameToken(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/**
 * Bearer-token authentication as on EKS: the kubeconfig's static token (cluster admin), or a
 * `k8s-aws-v1.` token the AWS sandbox vouches for, mapped by its access entry (without one, like the
 * cluster creator's, to system:masters). No credentials at all is system:anonymous (authorization decides what it may do); a
 * token that fails is a bare 401 Unauthorized, the reason never reaching the client.
 */
export function authenticate(req: IncomingMessage, auth: Authenticator, eksName: string): UserInfo {
  const header = req.headers.authorization;
  if (header === undefined) return ANONYMOUS;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const token = m?.[1];
  if (!token) throw unauthorized();
  const admin = (username: string) => ({ username, groups: [MASTERS, 'system:authenticated'] });
  if (sameToken(token, auth.staticToken)) return admin('kubernetes-admin');
  if (token.startsWith('k8s-aws-v1.') && auth.validateToken) {
    const result = auth.validateToken(token, eksName);
    const entry = result.ok ? auth.accessEntries?.[result.principal] : undefined;
    if (result.ok && entry)
      return {
        username: entry.username ?? result.principal,
        groups: [...entry.groups, 'system:authenticated'],
      };
    if (result.ok) return admin(result.principal);
  }
  throw unauthorized();
}
