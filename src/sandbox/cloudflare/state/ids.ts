import { createHash, randomBytes } from 'node:crypto';

/** A new identifier shaped like Cloudflare's: 32 lowercase hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** A stable identifier for seeded objects, so zone and record ids survive restarts and resets. */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export const idShape = /^[0-9a-f]{32}$/;
