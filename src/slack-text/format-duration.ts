/**
 * Milliseconds → `45s`, `1h 48m`, `48h`, `3d 4h`, for people: seconds only under a minute, otherwise rounded to
 * the minute, and days only past two (so `--for 48h` is echoed as 48h, and 1h 47m 33s reads 1h 48m).
 */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (ms < 59_500) return `${Math.max(0, Math.round(ms / 1000))}s`;
  const hours = Math.floor(minutes / 60);
  const parts =
    hours > 48
      ? [`${Math.floor(hours / 24)}d`, hours % 24 ? `${hours % 24}h` : '']
      : [hours ? `${hours}h` : '', minutes % 60 ? `${minutes % 60}m` : ''];
  return parts.filter(Boolean).join(' ');
}
