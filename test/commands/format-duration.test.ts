import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/commands/parse-duration.js';

describe('durations for people', () => {
  it('round to the minute, keep hours up to two days, and echo what was typed', () => {
    expect(formatDuration(parseDuration('48h')!)).toBe('48h');
    expect(formatDuration(parseDuration('3h')!)).toBe('3h');
    expect(formatDuration(parseDuration('1h30m')!)).toBe('1h 30m');
    expect(formatDuration((60 + 47) * 60_000 + 33_000)).toBe('1h 48m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(76 * 3_600_000)).toBe('3d 4h');
    expect(formatDuration(0)).toBe('0s');
  });
});
