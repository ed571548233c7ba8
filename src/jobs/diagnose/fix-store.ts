import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** How long a diagnosis's fix buttons work: after that the findings are stale; diagnose again. */
export const FIX_TTL_SECONDS = 3600;

/** A remediation a diagnosis offered, kept under the short id its button carries. */
export const StoredFix = z.object({
  id: z.string(),
  environment: z.string(),
  channel: z.string(),
  /** The summary message: the plan goes to its thread. */
  threadTs: z.string().optional(),
  checkId: z.string(),
  kind: z.string(),
  change: z.unknown(),
  label: z.string(),
  revertAfterMs: z.number().int().positive().optional(),
  createdAt: z.number(),
});
export type StoredFix = z.infer<typeof StoredFix>;

export const FIX_ID = /^fx-[0-9a-f]{12}$/;

/** Fixes offered by `/diagnose`, in Redis with an expiry (Slack button values are capped and visible). */
export class FixStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  newId(): string {
    return `fx-${randomBytes(6).toString('hex')}`;
  }

  async put(fix: StoredFix): Promise<void> {
    await this.redis.set(this.key(fix.id), JSON.stringify(StoredFix.parse(fix)), 'EX', FIX_TTL_SECONDS);
  }

  async get(id: string): Promise<StoredFix | undefined> {
    if (!FIX_ID.test(id)) return undefined;
    const raw = await this.redis.get(this.key(id));
    return raw ? StoredFix.parse(JSON.parse(raw)) : undefined;
  }

  private key(id: string): string {
    return `${this.prefix}:diagnose:fix:${id}`;
  }
}
