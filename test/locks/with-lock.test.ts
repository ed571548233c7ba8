import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { acquireLock, lockHolder } from '../../src/locks/acquire-lock.js';
import { BusyError } from '../../src/locks/busy-error.js';
import { withLock, withLocks } from '../../src/locks/with-lock.js';
import { connect, eventually, uniquePrefix } from '../support/redis.js';

let redis: Redis;
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await redis.quit();
});

describe('locks', () => {
  it('refuses a held resource and names who holds it', async () => {
    const key = `${uniquePrefix('lock')}:lock:dns:ai.coder.com`;
    const result = await withLock(
      redis,
      key,
      5_000,
      async () => {
        const second = withLock(redis, key, 5_000, async () => 'ran', {
          holder: 'plan p-2',
          resource: 'dns ai.coder.com',
        });
        await expect(second).rejects.toBeInstanceOf(BusyError);
        await expect(second).rejects.toBeInstanceOf(UserError);
        await expect(second).rejects.toThrow('busy: dns ai.coder.com is being changed by plan p-1');
        return 'first';
      },
      { holder: 'plan p-1' },
    );
    expect(result).toBe('first');
    // Released afterwards: the next change can go.
    expect(await redis.exists(key)).toBe(0);
    expect(await withLock(redis, key, 5_000, async () => 'later', { holder: 'plan p-2' })).toBe('later');
  });

  it('releases on failure too', async () => {
    const key = `${uniquePrefix('lock')}:lock:x`;
    await expect(
      withLock(
        redis,
        key,
        5_000,
        async () => {
          throw new Error('boom');
        },
        { holder: 'job 1' },
      ),
    ).rejects.toThrow('boom');
    expect(await redis.exists(key)).toBe(0);
  });

  it('never deletes a lock that expired and was taken by someone else', async () => {
    const key = `${uniquePrefix('lock')}:lock:y`;
    const first = await acquireLock(redis, key, 50, { holder: 'plan a', renew: false });
    expect(first).not.toBeNull();
    await redis.pexpire(key, 1); // simulate the TTL running out
    await new Promise((r) => setTimeout(r, 10));
    const second = await acquireLock(redis, key, 5_000, { holder: 'plan b', renew: false });
    expect(second).not.toBeNull();
    expect(await first!.release()).toBe(false);
    expect(await lockHolder(redis, key)).toBe('plan b');
    expect(await second!.release()).toBe(true);
  });

  it('keeps renewing while the work runs longer than the TTL', async () => {
    const key = `${uniquePrefix('lock')}:lock:z`;
    const lock = (await acquireLock(redis, key, 150, { holder: 'plan long' }))!;
    await new Promise((r) => setTimeout(r, 500));
    expect(await lockHolder(redis, key)).toBe('plan long');
    expect(lock.signal.aborted).toBe(false);
    expect(await lock.release()).toBe(true);
  });

  it('aborts the signal when the lock is lost', async () => {
    const key = `${uniquePrefix('lock')}:lock:lost`;
    const lock = (await acquireLock(redis, key, 150, { holder: 'plan gone' }))!;
    await redis.set(key, 'other-token someone else');
    await new Promise<void>((resolve) => lock.signal.addEventListener('abort', () => resolve()));
    expect(lock.signal.aborted).toBe(true);
    expect(await lock.release()).toBe(false);
    expect(await lockHolder(redis, key)).toBe('someone else');
  });

  it('takes several locks in order and gives back the ones it got when one is busy', async () => {
    const p = uniquePrefix('locks');
    const busy = (await acquireLock(redis, `${p}:b`, 5_000, { holder: 'plan other' }))!;
    await expect(
      withLocks(
        redis,
        [
          { key: `${p}:c`, resource: 'c' },
          { key: `${p}:a`, resource: 'a' },
          { key: `${p}:b`, resource: 'b' },
        ],
        5_000,
        async () => 'never',
        { holder: 'plan mine' },
      ),
    ).rejects.toThrow('busy: b is being changed by plan other');
    expect(await redis.exists(`${p}:a`, `${p}:c`)).toBe(0);
    await busy.release();
  });

  it("is never taken over by holder name: a crashed run's lock is free only once its TTL lapses", async () => {
    const key = `${uniquePrefix('lock')}:lock:r`;
    await acquireLock(redis, key, 300, { holder: 'plan p-9', renew: false }); // never released: "crashed"
    expect(await acquireLock(redis, key, 5_000, { holder: 'plan p-9' })).toBeNull();
    const again = await eventually(
      async () => (await acquireLock(redis, key, 5_000, { holder: 'plan p-9' })) ?? undefined,
    );
    expect(await again.release()).toBe(true);
  });
});
