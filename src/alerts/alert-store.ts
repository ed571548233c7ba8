import type { Redis } from 'ioredis';
import { AlertState } from './alert-state.js';

/** How long a resolved alert stays listed by `/ops alerts` (and keeps its fingerprint's history). */
export const RESOLVED_KEPT_MS = 24 * 3_600_000;

export type LockOwner = 'evaluate' | 'deliver';

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

  /** Re-reads the alert and writes `change(latest)` (under the environment's lock: only buttons write beside it). */
  async update(
    environment: string,
    id: string,
    change: (latest: AlertState) => AlertState,
  ): Promise<AlertState | undefined> {
    const latest = await this.get(environment, id);
    if (!latest) return undefined;
    const next = change(latest);
    await this.put(next);
    return next;
  }

  /**
   * One writer at a time per environment: an evaluation run (a manual run beside the scheduled one, a slow
   * run) or a delivery pass. The owner is readable, so an evaluation can wait out a short delivery pass.
   */
  async tryLock(
    environment: string,
    ttlMs: number,
    owner: LockOwner = 'evaluate',
  ): Promise<(() => Promise<void>) | undefined> {
    const key = `${this.key(environment)}:lock`;
    const token = `${owner}:${process.pid}-${Math.random()}`;
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    return async () => {
      if ((await this.redis.get(key)) === token) await this.redis.del(key);
    };
  }

  async lockOwner(environment: string): Promise<LockOwner | undefined> {
    const token = await this.redis.get(`${this.key(environment)}:lock`);
    return token?.startsWith('deliver:') ? 'deliver' : token ? 'evaluate' : undefined;
  }

  /** When each check last ran (epoch ms): kept in Redis, so a restarted scheduler does not run them all at once. */
  async lastRuns(environment: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(`${this.key(environment)}:runs`);
    return Object.fromEntries(Object.entries(raw).map(([id, at]) => [id, Number(at)]));
  }

  async markRuns(environment: string, checkIds: string[], at: number): Promise<void> {
    if (checkIds.length)
      await this.redis.hset(
        `${this.key(environment)}:runs`,
        Object.fromEntries(checkIds.map((id) => [id, at])),
      );
  }

  /** When opsbot last sent an alert message to each channel, across processes (channels span environments). */
  async lastSent(channels: string[]): Promise<Map<string, number>> {
    if (!channels.length) return new Map();
    const values = await this.redis.hmget(`${this.prefix}:alerts-sent`, ...channels);
    return new Map(channels.flatMap((c, i) => (values[i] ? [[c, Number(values[i])] as const] : [])));
  }

  async markSent(channel: string, at: number): Promise<void> {
    await this.redis.hset(`${this.prefix}:alerts-sent`, channel, at);
  }

  private key(environment: string): string {
    return `${this.prefix}:alerts:${environment}`;
  }
}
