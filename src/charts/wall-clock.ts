const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock time `at` shows in `timeZone`, written as if it were UTC. Charts plot these on a UTC
 * scale so axis ticks fall on the zone's hours whatever the server's own zone is (across a DST change
 * the line jumps by the hour, as the clock on the wall does).
 */
export function wallClockMs(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(at))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const ms = ((at % 1000) + 1000) % 1000;
  return (
    Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    ) + ms
  );
}

/** The zone's short name at `at` (CST, GMT+1, UTC), for axis titles. */
export function zoneAbbreviation(at: number, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** "Thu, Mar 5, 2026 09:00 – 12:30 CST" (the date repeated only when the window crosses midnight). */
export function describeWindow(from: number, to: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  });
  const sameDay = day.format(from) === day.format(to);
  const end = sameDay ? time.format(to) : `${day.format(to)} ${time.format(to)}`;
  return `${day.format(from)} ${time.format(from)} – ${end} ${zoneAbbreviation(to, timeZone)}`;
}
