import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

// Delete / extend only if the lock still holds our token: never release a lock someone else took after ours expired.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface Lock {
  readonly key: string;
  /** Aborted if a renewal finds the lock gone (expired while Redis was unreachable, or stolen). */
  readonly signal: AbortSignal;
  release(): Promise<boolean>;
}

export interface AcquireOptions {
  /** Stored with the lock and named to whoever finds it busy, e.g. `plan p-1a2b (U123)`. */
  holder: string;
  /** Keep extending the TTL while held (default true); the TTL then only bounds a crashed holder. */
  renew?: boolean;
}

/** `SET key token NX PX ttl`; null when someone else holds it. */
export async function acquireLock(
  redis: Redis,
  key: string,
  ttlMs: number,
  options: AcquireOptions,
): Promise<Lock | null> {
  const value = `${randomBytes(12).toString('hex')} ${options.holder}`;
  // Never taken over by name: a lock left by a crashed run lapses with its TTL (it is no longer renewed).
  const ok = (await redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  if (!ok) return null;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  if (options.renew !== false) {
    timer = setInterval(
      () => {
        redis.eval(RENEW, 1, key, value, ttlMs).then(
          (renewed) => {
            if (renewed !== 1) lost();
          },
          () => {}, // a blip; the next tick retries, and the TTL covers us until then
        );
      },
      Math.max(50, Math.floor(ttlMs / 3)),
    );
    timer.unref();
  }
  const lost = () => {
    if (timer) clearInterval(timer);
    controller.abort(new Error(`lost lock ${key}`));
  };
  return {
    key,
    signal: controller.signal,
    async release() {
      if (timer) clearInterval(timer);
      return (await redis.eval(RELEASE, 1, key, value)) === 1;
    },
  };
}

/** Who holds the lock at `key` (the `holder` given to acquireLock), or undefined if free. */
export async function lockHolder(redis: Redis, key: string): Promise<string | undefined> {
  const value = await redis.get(key);
  if (value === null) return undefined;
  const space = value.indexOf(' ');
  return space < 0 ? 'another job' : value.slice(space + 1);
}
