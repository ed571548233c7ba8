import type { Redis } from 'ioredis';
import { acquireLock, type Lock, lockHolder } from './acquire-lock.js';
import { BusyError } from './busy-error.js';

export interface WithLockOptions {
  holder: string;
  /** Name shown in the busy message (defaults to the key). */
  resource?: string;
}

/** Runs fn while holding the lock; throws BusyError (a UserError) naming the holder if it is taken. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: (lock: Lock) => Promise<T>,
  options: WithLockOptions,
): Promise<T> {
  return withLocks(
    redis,
    [{ key, resource: options.resource ?? key }],
    ttlMs,
    (locks) => fn(locks[0]!),
    options,
  );
}

/**
 * Several locks, taken in key order (so two multi-resource changes cannot deadlock) and all released
 * afterwards; if any is busy, the ones already taken are released and BusyError names the busy one.
 */
export async function withLocks<T>(
  redis: Redis,
  targets: { key: string; resource: string }[],
  ttlMs: number,
  fn: (locks: Lock[]) => Promise<T>,
  options: { holder: string },
): Promise<T> {
  const sorted = [...new Map(targets.map((t) => [t.key, t])).values()].sort((a, b) =>
    a.key.localeCompare(b.key),
  );
  const held: Lock[] = [];
  try {
    for (const target of sorted) {
      const lock = await acquireLock(redis, target.key, ttlMs, { holder: options.holder });
      if (!lock) throw new BusyError(target.resource, (await lockHolder(redis, target.key)) ?? 'another job');
      held.push(lock);
    }
    return await fn(held);
  } finally {
    await Promise.all(held.map((lock) => lock.release().catch(() => false)));
  }
}
