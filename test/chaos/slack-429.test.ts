import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { formatResult } from './scenarios/kit.js';
import { slack429 } from './scenarios/slack-429.js';

describe('Slack answering bursts of 429', () => {
  it('loses no plan message and no result message', async () => {
    const r = await slack429({
      redisUrl: redisUrl(),
      worker: 'in-process',
      plans: 4,
      burst: [2, 4],
      bursts: 10,
      timeoutMs: 25_000,
      seed: 5,
    });
    const line = formatResult(r);
    expect({ lost: r.lost, doubled: r.doubled, stuck: r.stuck, notes: r.notes }, line).toEqual({
      lost: 0,
      doubled: 0,
      stuck: 0,
      notes: [],
    });
    expect(r.observed, line).toBe(4);
    expect(r.extra.bursts, line).toBeGreaterThan(0);
  }, 60_000);
});
