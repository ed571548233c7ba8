import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { parseStart } from '../../src/workshop/parse-start.js';

// Wednesday 2 December 2026, 10:00 UTC (04:00 in Chicago, 10:00 in London).
const NOW = Date.UTC(2026, 11, 2, 10, 0);

describe('parseStart: a workshop start as people type it', () => {
  it('takes ISO 8601 with a zone as given', () => {
    expect(parseStart('2026-12-03T16:00Z', 'America/Chicago', NOW)).toBe(Date.UTC(2026, 11, 3, 16, 0));
    expect(parseStart('2026-12-03T16:00+01:00', 'UTC', NOW)).toBe(Date.UTC(2026, 11, 3, 15, 0));
  });

  it('reads wall times in the requester time zone', () => {
    expect(parseStart('tomorrow 16:00', 'America/Chicago', NOW)).toBe(Date.UTC(2026, 11, 3, 22, 0));
    expect(parseStart('tomorrow 16:00', 'Europe/London', NOW)).toBe(Date.UTC(2026, 11, 3, 16, 0));
    expect(parseStart('2026-12-03 09:30', 'Asia/Kolkata', NOW)).toBe(Date.UTC(2026, 11, 3, 4, 0));
    expect(parseStart('today 17:00', 'UTC', NOW)).toBe(Date.UTC(2026, 11, 2, 17, 0));
  });

  it('takes a bare time or a weekday as the next one', () => {
    expect(parseStart('09:00', 'UTC', NOW)).toBe(Date.UTC(2026, 11, 3, 9, 0));
    expect(parseStart('11:00', 'UTC', NOW)).toBe(Date.UTC(2026, 11, 2, 11, 0));
    expect(parseStart('friday 9:30', 'UTC', NOW)).toBe(Date.UTC(2026, 11, 4, 9, 30));
    expect(parseStart('wednesday 9:00', 'UTC', NOW)).toBe(Date.UTC(2026, 11, 9, 9, 0));
  });

  it('crosses a daylight-saving change at the zone offset of the day itself', () => {
    // 8 March 2026 is the US change: a start the day after is at CDT (UTC-5), not CST.
    const before = Date.UTC(2026, 2, 7, 12, 0);
    expect(parseStart('2026-03-09 16:00', 'America/Chicago', before)).toBe(Date.UTC(2026, 2, 9, 21, 0));
  });

  it('refuses what it cannot read, with examples', () => {
    for (const bad of ['tomorrow', '25:00', 'next week', '2026-13-01 10:00', 'tomorrow 16:61'])
      expect(() => parseStart(bad, 'UTC', NOW), bad).toThrow(UserError);
    let err: UserError | undefined;
    try {
      parseStart('soon', 'UTC', NOW);
    } catch (e) {
      err = e as UserError;
    }
    expect(err?.userText).toContain('`tomorrow 16:00`');
  });
});
