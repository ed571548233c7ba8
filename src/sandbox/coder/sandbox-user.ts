import { stableUuid } from './coder-http.js';

/** The user opsbot's session token belongs to; `me` in routes and queries resolves to it. */
export const SANDBOX_USER = {
  id: stableUuid('user:opsbot'),
  username: 'opsbot',
  avatarUrl: '',
} as const;

/** coderd's ExtractUserParam: `me`, the user's id or username; anything else is the same 400. */
export function isSandboxUser(param: string): boolean {
  return param === 'me' || param === SANDBOX_USER.username || param.toLowerCase() === SANDBOX_USER.id;
}

export const UNKNOWN_USER = { message: '"user" must be an existing uuid or username.' };
