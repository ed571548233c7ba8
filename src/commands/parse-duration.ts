const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `3h`, `1h30m`, `2d` → milliseconds; undefined when it isn't a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/g))
    total += Number(amount) * UNITS[unit!]!;
  return total > 0 ? Math.round(total) : undefined;
}

/** Durations are shown the way parse-duration reads them (kept beside the other text helpers). */
export { formatDuration } from '../slack-text/format-duration.js';
