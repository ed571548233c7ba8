import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../shared/clock.js';

/** Slack's trigger_id lifetime: a modal must be opened within 3 s of the interaction. */
export const TRIGGER_TTL_MS = 3000;

interface Trigger {
  userId: string;
  issuedAt: number;
  exchanged: boolean;
}

export type TriggerResult =
  | { ok: true; userId: string }
  | { ok: false; error: 'invalid_trigger_id' | 'exchanged_trigger_id' | 'expired_trigger_id' };

/** trigger_ids handed out with slash commands and interactions; each opens one view, once. */
export class TriggerRegistry {
  private triggers = new Map<string, Trigger>();

  constructor(private readonly clock: Clock) {}

  issue(userId: string): string {
    const id = `${randomInt(1e9, 1e10)}.${randomInt(1e9, 1e10)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { userId, issuedAt: this.clock.now(), exchanged: false });
    return id;
  }

  exchange(id: string): TriggerResult {
    const trigger = this.triggers.get(id);
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.exchanged) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.clock.now() - trigger.issuedAt > TRIGGER_TTL_MS)
      return { ok: false, error: 'expired_trigger_id' };
    trigger.exchanged = true;
    return { ok: true, userId: trigger.userId };
  }

  reset(): void {
    this.triggers.clear();
  }
}
