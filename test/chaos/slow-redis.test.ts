import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { formatResult } from './scenarios/kit.js';
import { slowRedis } from './scenarios/slow-redis.js';

describe('Redis slower than the ack budget, behind the web role only', () => {
  it('acks every command within 3 s and truthfully: what was queued runs, "nothing was done" never does', async () => {
    // 1.25 s per chunk each way: one Redis round trip (2.5 s) outlasts the 2 s budget of an ack.
    const r = await slowRedis({
      redisUrl: redisUrl(),
      worker: 'in-process',
      delaysMs: [0, 1_250],
      perPhase: 8,
      settleMs: 15_000,
    });
    const line = formatResult(r);
    expect({ lost: r.lost, doubled: r.doubled, stuck: r.stuck, notes: r.notes }).toEqual({
      lost: 0,
      doubled: 0,
      stuck: 0,
      notes: [],
    });
    expect(r.extra.lateAcks, line).toBe(0);
    expect(r.extra.untruthful ?? 0, line).toBe(0);
    expect(r.p99AckMs, line).toBeLessThan(3_000);
    // Both answers were exercised: fast Redis queues, slow Redis "may have been queued".
    expect(r.extra.queued, line).toBeGreaterThan(0);
    expect(r.extra.maybe, line).toBeGreaterThan(0);
  }, 60_000);
});
