import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LitellmContext } from './litellm-context.js';
import { abbreviateKey, pythonStr } from './litellm-http.js';

export interface AuthFailure {
  status: number;
  message: string;
  type: string;
  param?: string;
}

function bearer(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
}

export function sameKey(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * LiteLLM's `user_api_key_auth` for the one key the sandbox knows. Returns the caller's key, or the
 * failure the proxy would send. Received keys are only ever shown abbreviated.
 */
export function authenticateKey(req: IncomingMessage, ctx: LitellmContext): { key: string } | AuthFailure {
  const key = bearer(req);
  if (key === '') {
    return { status: 401, message: 'Authentication Error, No api key passed in.', type: 'auth_error' };
  }
  if (!key.startsWith('sk-')) {
    return {
      status: 401,
      message: `Authentication Error, LiteLLM Virtual Key expected. Received=${abbreviateKey(key)}, expected to start with 'sk-'.`,
      type: 'auth_error',
    };
  }
  if (!sameKey(key, ctx.key)) {
    const hash = createHash('sha256').update(key).digest('hex');
    return {
      status: 401,
      message: `Authentication Error, Invalid proxy server token passed. Received API Key = ${abbreviateKey(key)}, Key Hash (Token) =${hash}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
      type: 'token_not_found_in_db',
      param: 'key',
    };
  }
  const expiry = ctx.state.keyExpiry === null ? undefined : Date.parse(ctx.state.keyExpiry);
  const now = ctx.clock.now();
  if (expiry !== undefined && expiry < now) {
    return {
      status: 400,
      message: `Authentication Error - Expired Key. Key Expiry time ${pythonStr(expiry)} and current time ${pythonStr(now)}`,
      type: 'expired_key',
      param: abbreviateKey(key),
    };
  }
  return { key };
}
