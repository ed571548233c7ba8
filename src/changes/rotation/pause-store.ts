import type { Redis } from 'ioredis';
import { z } from 'zod';

export const PauseRecord = z.object({
  planId: z.string(),
  environment: z.string(),
  requester: z.string(),
  approver: z.string().optional(),
  reason: z.string().optional(),
  since: z.number(),
  until: z.number(),
  /** The latest end a second person approved; Extend beyond it needs a new approval (two-person rule). */
  approvedUntil: z.number().optional(),
  channel: z.string(),
  threadTs: z.string().optional(),
  /** The delayed reminder for the current `until` (replaced when extended). */
  reminderJobId: z.string().optional(),
});
export type PauseRecord = z.infer<typeof PauseRecord>;

/** The pause opsbot made, per environment, in Redis: every role and replica sees the same one. */
export class PauseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(environment: string): string {
    return `${this.prefix}:rotation:pause:${environment}`;
  }

  async get(environment: string): Promise<PauseRecord | undefined> {
    const raw = await this.redis.get(this.key(environment));
    if (!raw) return undefined;
    const parsed = PauseRecord.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async set(record: PauseRecord): Promise<void> {
    await this.redis.set(this.key(record.environment), JSON.stringify(PauseRecord.parse(record)));
  }

  async clear(environment: string): Promise<void> {
    await this.redis.del(this.key(environment));
  }
}
