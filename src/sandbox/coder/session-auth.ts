import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CoderResponse } from './coder-http.js';

const COOKIE = 'coder_session_token';
const HEADER = 'coder-session-token';
const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomAlphanumeric(length: number): string {
  return [...randomBytes(length)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
}

/** A token shaped like Coder's API keys: `<10-char id>-<22-char secret>`. */
export function generateCoderSessionToken(): string {
  return `${randomAlphanumeric(10)}-${randomAlphanumeric(22)}`;
}

/** Coder's `SplitAPIToken`: the error text is what coderd puts after "Invalid API key format: ". */
export function splitApiToken(token: string): { id: string; secret: string } | { error: string } {
  const parts = token.split('-');
  if (parts.length !== 2)
    return { error: `incorrect amount of API key parts, expected 2 got ${parts.length}` };
  const [id = '', secret = ''] = parts;
  if (id.length !== 10) return { error: `invalid API key ID length, expected 10 got ${id.length}` };
  if (secret.length !== 22)
    return { error: `invalid API key secret length, expected 22 got ${secret.length}` };
  return { id, secret };
}

/** Where coderd looks for the token, in its order: cookie, query parameter, header. */
function tokenFromRequest(req: IncomingMessage, url: URL): string {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = pair.trim().split('=');
    if (name === COOKIE && rest.join('=') !== '') return rest.join('=');
  }
  const query = url.searchParams.get(COOKIE);
  if (query) return query;
  const header = req.headers[HEADER];
  return (Array.isArray(header) ? header[0] : header) ?? '';
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a request against the one valid session token, answering like coderd's API key
 * middleware. Returns null when authenticated, otherwise the 401 body to send.
 */
export function authenticateSession(
  req: IncomingMessage,
  url: URL,
  validToken: string,
): CoderResponse | null {
  const token = tokenFromRequest(req, url);
  if (token === '') {
    return { message: SIGNED_OUT, detail: `Cookie "${COOKIE}" or query parameter must be provided.` };
  }
  const given = splitApiToken(token);
  if ('error' in given) return { message: SIGNED_OUT, detail: `Invalid API key format: ${given.error}` };
  const valid = splitApiToken(validToken);
  if ('error' in valid || given.id !== valid.id)
    return { message: SIGNED_OUT, detail: 'API key is invalid.' };
  if (!sameSecret(given.secret, valid.secret))
    return { message: SIGNED_OUT, detail: 'API key secret is invalid.' };
  return null;
}
