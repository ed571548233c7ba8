import { UserError } from '../errors/user-error.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * A workshop's start as typed: ISO 8601 with a zone (`2026-12-03T16:00Z`) is taken as given; a wall time
 * without one (`2026-12-03 16:00`, `tomorrow 16:00`, `friday 9:30`, `16:00`) is read in `tz`, the
 * requester's Slack time zone. A bare time is its next occurrence.
 */
export function parseStart(text: string, tz: string, now: number): number {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^\d{4}-\d{2}-\d{2}t\d{1,2}:\d{2}(:\d{2})?(\.\d+)?(z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const at = Date.parse(t.toUpperCase());
    if (!Number.isNaN(at)) return at;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})[t ](\d{1,2}):(\d{2})$/.exec(t);
  if (date) {
    const [, y, mo, d, h, mi] = date.map(Number) as [number, number, number, number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) throw badStart(text);
    return zonedToUtc({ y, mo, d, h, mi }, tz);
  }
  const rel =
    /^(?:(today|tomorrow|sunday|monday|tuesday|wednesday|thursday|friday|saturday) )?(\d{1,2}):(\d{2})$/.exec(
      t,
    );
  if (!rel) throw badStart(text);
  const [, day, hh, mm] = rel;
  const h = Number(hh);
  const mi = Number(mm);
  if (h > 23 || mi > 59) throw badStart(text);
  const today = wallDate(now, tz);
  let offsetDays = 0;
  if (day === 'tomorrow') offsetDays = 1;
  else if (day && day !== 'today') {
    const want = WEEKDAYS.indexOf(day);
    offsetDays = (want - today.weekday + 7) % 7;
  }
  const at = (extra: number) => zonedToUtc({ ...shiftDays(today, offsetDays + extra), h, mi }, tz);
  let start = at(0);
  // A bare time or weekday already past today means the next one.
  if (start <= now && (!day || WEEKDAYS.includes(day))) start = at(day ? 7 : 1);
  return start;
}

function badStart(text: string): UserError {
  return new UserError(`"${text}" is not a start time I can read.`, {
    hint: 'Give ISO 8601 such as 2026-12-03T16:00Z, or a time in your Slack time zone such as `tomorrow 16:00`, `friday 09:30` or `2026-12-03 16:00`.',
  });
}

interface WallDate {
  y: number;
  mo: number;
  d: number;
}

function wallDate(at: number, tz: string): WallDate & { weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'long',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    y: Number(get('year')),
    mo: Number(get('month')),
    d: Number(get('day')),
    weekday: WEEKDAYS.indexOf(get('weekday').toLowerCase()),
  };
}

function shiftDays(day: WallDate, n: number): WallDate {
  const d = new Date(Date.UTC(day.y, day.mo - 1, day.d + n));
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

/** The zone's offset from UTC at `at`, in ms (positive east of Greenwich). */
function offsetAt(at: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** A wall-clock time in `tz` as UTC ms; checked twice so a DST change between guess and answer is seen. */
export function zonedToUtc(t: WallDate & { h: number; mi: number }, tz: string): number {
  const guess = Date.UTC(t.y, t.mo - 1, t.d, t.h, t.mi);
  const first = guess - offsetAt(guess, tz);
  return guess - offsetAt(first, tz);
}

/** `Thu 3 Dec 16:00 CST`: a time as text in a zone, for places Slack's date tokens cannot go (files, logs). */
export function formatInZone(at: number, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
}
