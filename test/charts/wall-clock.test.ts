import { describe, expect, it } from 'vitest';
import { describeWindow, wallClockMs, zoneAbbreviation } from '../../src/charts/wall-clock.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('wallClockMs', () => {
  it('is the zone’s wall-clock time written as UTC', () => {
    expect(iso(wallClockMs(Date.UTC(2026, 2, 5, 15, 0, 30, 250), 'America/Chicago'))).toBe(
      '2026-03-05T09:00:30.250Z',
    );
    expect(iso(wallClockMs(Date.UTC(2026, 6, 5, 15, 0), 'Europe/London'))).toBe('2026-07-05T16:00:00.000Z');
    expect(iso(wallClockMs(Date.UTC(2026, 6, 5, 15, 0), 'UTC'))).toBe('2026-07-05T15:00:00.000Z');
  });

  it('jumps with the clock at a DST change', () => {
    // Chicago springs forward at 02:00 CST (08:00 UTC) on 8 March 2026.
    expect(iso(wallClockMs(Date.UTC(2026, 2, 8, 7, 59), 'America/Chicago'))).toBe('2026-03-08T01:59:00.000Z');
    expect(iso(wallClockMs(Date.UTC(2026, 2, 8, 8, 0), 'America/Chicago'))).toBe('2026-03-08T03:00:00.000Z');
  });

  it('names the zone and the window', () => {
    expect(zoneAbbreviation(Date.UTC(2026, 6, 1), 'America/Chicago')).toBe('CDT');
    expect(describeWindow(Date.UTC(2026, 2, 5, 15), Date.UTC(2026, 2, 5, 18, 30), 'America/Chicago')).toBe(
      'Thu, Mar 5, 2026 09:00 – 12:30 CST',
    );
    expect(describeWindow(Date.UTC(2026, 2, 5, 22), Date.UTC(2026, 2, 6, 2), 'Europe/London')).toBe(
      'Thu, Mar 5, 2026 22:00 – Fri, Mar 6, 2026 02:00 GMT',
    );
  });
});
