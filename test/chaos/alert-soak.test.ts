import { describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis.js';
import { alertSoak } from './scenarios/alert-soak.js';
import { formatResult } from './scenarios/kit.js';

describe('alert soak, short', () => {
  it('twenty simulated minutes at the real schedule: each fault alerted once and resolved once, nothing else', async () => {
    // Short of the seeded rotation's window, so without the rotator (`npm run chaos` runs 24 h with it).
    const r = await alertSoak({
      redisUrl: redisUrl(),
      seed: 7,
      hours: 1 / 3,
      faults: 2,
      faultMinutes: [3, 5],
      rotator: false,
    });
    const line = formatResult(r);
    expect(
      { lost: r.lost, doubled: r.doubled, stuck: r.stuck, untruthful: r.extra.untruthful, notes: r.notes },
      line,
    ).toEqual({ lost: 0, doubled: 0, stuck: 0, untruthful: 0, notes: [] });
    expect(r.extra.faults, line).toBe(2);
    expect(r.observed, line).toBe(r.expected);
    expect(r.extra.posts, line).toBe(r.expected);
    expect(r.extra.resolutions, line).toBe(r.expected);
  }, 60_000);
});
