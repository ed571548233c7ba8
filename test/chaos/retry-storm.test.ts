import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { formatResult } from './scenarios/kit.js';
import { retryStorm } from './scenarios/retry-storm.js';

describe('a storm of Slack retries', () => {
  it('makes exactly one job and one answer or plan per command, however the retries arrive', async () => {
    const r = await retryStorm({
      redisUrl: redisUrl(),
      worker: 'in-process',
      commands: 300,
      retryShare: 0.3,
      planShare: 0.2,
      reads: 'lookups',
      rate: 150,
      lateRetryMaxMs: 1_500,
      settleMs: 20_000,
      seed: 11,
    });
    expect({ lost: r.lost, doubled: r.doubled, stuck: r.stuck, notes: r.notes }).toEqual({
      lost: 0,
      doubled: 0,
      stuck: 0,
      notes: [],
    });
    expect(r.observed, formatResult(r)).toBe(300);
    expect(r.extra.retries).toBeGreaterThan(60);
    expect(r.p99AckMs).toBeLessThan(2_500);
  }, 60_000);
});
