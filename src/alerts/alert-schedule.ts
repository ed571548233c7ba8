import type { Alerts } from '../inventory/schema.js';

/**
 * Each alert check's interval in ms: its own `everySeconds`, else the section's. `overrideSeconds` (the
 * sandbox's 15 s) replaces all of them, so a demo shows any fault within a minute.
 */
export function checkIntervals(cfg: Alerts, overrideSeconds?: number): Map<string, number> {
  return new Map(
    cfg.checks.map((c) => [c.id, (overrideSeconds ?? c.everySeconds ?? cfg.everySeconds) * 1000] as const),
  );
}

/** The environment's one scheduler ticks at the smallest interval of its checks. */
export function schedulerTickMs(cfg: Alerts, overrideSeconds?: number): number {
  const intervals = [...checkIntervals(cfg, overrideSeconds).values()];
  return intervals.length ? Math.min(...intervals) : (overrideSeconds ?? cfg.everySeconds) * 1000;
}

/**
 * The checks a scheduled tick at `now` runs: those never run, or whose interval has passed since their
 * last run. A tick may come a little early (the scheduler's jitter), so half a tick early counts as on
 * time; a last run in the future (a clock set back) counts as due.
 */
export function dueChecks(
  intervals: ReadonlyMap<string, number>,
  lastRuns: Readonly<Record<string, number>>,
  now: number,
  tickMs: number,
): string[] {
  return [...intervals]
    .filter(([id, every]) => {
      const last = lastRuns[id];
      if (last === undefined || last > now) return true;
      return now - last >= every - tickMs / 2;
    })
    .map(([id]) => id);
}
