import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../shared/clock.js';

/** Slack's limits for a response_url: 5 uses within 30 minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export interface ResponseTarget {
  channel: string;
  user: string;
  /** For interactions: the message holding the pressed button (what replace_original replaces). */
  messageTs?: string;
}

interface Entry extends ResponseTarget {
  issuedAt: number;
  uses: number;
}

export type ResponseUrlUse =
  | { ok: true; target: ResponseTarget }
  | { ok: false; error: 'unknown' | 'used_url' | 'expired_url' };

export class ResponseUrlRegistry {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly base: () => string,
  ) {}

  /** Returns a full URL under the sandbox's responseUrlBase, shaped like Slack's `…/T…/<n>/<secret>`. */
  issue(teamId: string, target: ResponseTarget): string {
    const id = `${teamId}/${randomInt(1e9, 1e10)}/${randomBytes(12).toString('base64url')}`;
    this.entries.set(id, { ...target, issuedAt: this.clock.now(), uses: 0 });
    return `${this.base()}${id}`;
  }

  use(id: string): ResponseUrlUse {
    const entry = this.entries.get(id);
    if (!entry) return { ok: false, error: 'unknown' };
    if (this.clock.now() - entry.issuedAt > RESPONSE_URL_TTL_MS) return { ok: false, error: 'expired_url' };
    if (entry.uses >= RESPONSE_URL_MAX_USES) return { ok: false, error: 'used_url' };
    entry.uses += 1;
    const { channel, user, messageTs } = entry;
    return { ok: true, target: { channel, user, ...(messageTs !== undefined ? { messageTs } : {}) } };
  }

  reset(): void {
    this.entries.clear();
  }
}
