import type { Redis } from 'ioredis';
import { AlertState } from './alert-state.js';

/** How long a resolved alert stays listed by `/ops alerts` (and keeps its fingerprint's history). */
export const RESOLVED_KEPT_MS = 24 * 3_600_000;

/** Per-environment alert states: one Redis hash, field = alert id. Only the evaluation run writes phases. */
export class AlertStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async all(environment: string): Promise<AlertState[]> {
    const raw = await this.redis.hgetall(this.key(environment));
    return Object.values(raw).map((v) => AlertState.parse(JSON.parse(v)));
  }

  async get(environment: string, id: string): Promise<AlertState | undefined> {
    const raw = await this.redis.hget(this.key(environment), id);
    return raw ? AlertState.parse(JSON.parse(raw)) : undefined;
  }

  async put(state: AlertState): Promise<void> {
    await this.redis.hset(this.key(state.environment), state.id, JSON.stringify(AlertState.parse(state)));
  }

  async delete(environment: string, id: string): Promise<void> {
    await this.redis.hdel(this.key(environment), id);
  }

  /** One evaluation at a time per environment (a manual run beside the scheduled one, a slow run). */
  async tryLock(environment: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = `${this.key(environment)}:lock`;
    const token = `${process.pid}-${Math.random()}`;
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    return async () => {
      if ((await this.redis.get(key)) === token) await this.redis.del(key);
    };
  }

  private key(environment: string): string {
    return `${this.prefix}:alerts:${environment}`;
  }
}
