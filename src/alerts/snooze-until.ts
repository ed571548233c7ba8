import type { AlertAction } from './render-alert.js';

/** The wall-clock fields of `ms` in `tz`. */
function wall(ms: number, tz: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(ms)
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return parts;
}

/** How far `tz` is ahead of UTC at `ms`. */
function offsetAt(ms: number, tz: string): number {
  const w = wall(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** 09:00 tomorrow in `tz` (DST-safe: the offset is taken at the target time). */
export function tomorrowAtNine(now: number, tz: string): number {
  const today = wall(now, tz);
  const guess = Date.UTC(today.year, today.month - 1, today.day + 1, 9, 0, 0);
  const first = guess - offsetAt(guess, tz);
  return guess - offsetAt(first, tz);
}

/** When a snooze verb ends. */
export function snoozeUntil(action: Exclude<AlertAction, 'ack'>, now: number, tz: string): number {
  if (action === 'snooze1h') return now + 3_600_000;
  if (action === 'snooze4h') return now + 4 * 3_600_000;
  return tomorrowAtNine(now, tz);
}
