import type { Redis } from 'ioredis';
import { z } from 'zod';

export const Sample = z.object({
  at: z.number(),
  /** Longest wait of a pending provisioner job across the organizations, in ms. */
  queueWaitMs: z.number().nullable(),
  pendingJobs: z.number().nullable(),
  workspaces: z.number().nullable(),
  /** Container restarts of the workshop's deployments' pods, summed (a counter: the summary takes deltas). */
  restarts: z.number().nullable(),
});
export type Sample = z.infer<typeof Sample>;

/** The summary's figures, sampled through the window into one sorted set per workshop. */
export class WorkshopSamples {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:workshop:${id}:samples`;
  }

  /** Idempotent per `at`: a re-run of the same sample replaces it. */
  async add(id: string, sample: Sample): Promise<void> {
    const key = this.key(id);
    await this.redis
      .multi()
      .zremrangebyscore(key, sample.at, sample.at)
      .zadd(key, sample.at, JSON.stringify(Sample.parse(sample)))
      .pexpire(key, 30 * 86_400_000)
      .exec();
  }

  async all(id: string): Promise<Sample[]> {
    const rows = await this.redis.zrange(this.key(id), '0', '-1');
    return rows.map((r) => Sample.parse(JSON.parse(r)));
  }
}
