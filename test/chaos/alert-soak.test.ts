import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { alertSoak } from './scenarios/alert-soak.js';
import { formatResult } from './scenarios/kit.js';

describe('alert soak, short', () => {
  it('two simulated hours at the real schedule: every fault alerted once and resolved once, nothing else', async () => {
    const r = await alertSoak({ redisUrl: redisUrl(), seed: 3, hours: 2, faults: 3 });
    const line = formatResult(r);
    console.log(line);
    expect(
      { lost: r.lost, doubled: r.doubled, stuck: r.stuck, untruthful: r.extra.untruthful, notes: r.notes },
      line,
    ).toEqual({
      lost: 0,
      doubled: 0,
      stuck: 0,
      untruthful: 0,
      notes: [],
    });
    expect(r.observed, line).toBe(r.expected);
    expect(r.extra.faults, line).toBeGreaterThan(0);
  }, 120_000);
});
