import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { fuzz } from './scenarios/fuzz.js';
import { formatResult } from './scenarios/kit.js';

describe('fuzzed commands and button payloads (fixed seed)', () => {
  it('never answer 5xx or crash the bot, queue nothing for refused input and change nothing', async () => {
    const r = await fuzz({ redisUrl: redisUrl(), requests: 500, seed: 20_240_601 });
    const line = formatResult(r);
    expect(r.requests, line).toBe(500);
    expect(r.extra, line).toMatchObject({
      serverErrors: 0,
      lateAcks: 0,
      crashes: 0,
      queuedInvalid: 0,
      sideEffects: 0,
    });
    // The mix reaches the queue too, not only the refusals.
    expect(r.extra.queued, line).toBeGreaterThan(0);
  }, 60_000);
});
