import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cfErrors } from './cf-api-error.js';

// Real API tokens are 40+ characters of base64url; anything else is rejected as malformed.
const tokenShape = /^[A-Za-z0-9_-]{40,}$/;

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks the credentials like the v4 API: missing headers, a malformed header and an unknown
 * token each get their own status and code. Returns the accepted token.
 */
export function authenticate(req: IncomingMessage, apiToken: string, isVerifyCall: boolean): string {
  const authorization = req.headers.authorization;
  if (authorization === undefined) {
    if (req.headers['x-auth-key'] !== undefined || req.headers['x-auth-email'] !== undefined)
      throw cfErrors.badAuthKeyFormat();
    throw cfErrors.missingAuth();
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (token === undefined) throw cfErrors.badAuthorizationFormat();
  if (sameToken(token, apiToken)) return token;
  if (!tokenShape.test(token)) throw cfErrors.badAuthorizationFormat();
  throw isVerifyCall ? cfErrors.invalidApiToken() : cfErrors.authentication();
}
