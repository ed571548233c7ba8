import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIntervals, dueChecks, schedulerTickMs } from '../../src/alerts/alert-schedule.js';
import { createOpsbotJobs } from '../../src/app/create-job-registry.js';
import { inventorySchedules } from '../../src/app/inventory-schedules.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { Alerts } from '../../src/inventory/schema.js';

describe('alert schedules from the inventory', () => {
  it('one job scheduler per environment with alert checks, at its smallest interval or the sandbox override', async () => {
    const environments = await loadInventory(resolve('infra'));
    const jobs = createOpsbotJobs();
    const alerts = (opts = {}) =>
      inventorySchedules(environments, jobs, opts).schedules.filter((s) => s.job === 'alerts.evaluate');
    const cfg = environments.get('ai.coder.com')!.alerts!;
    expect(alerts()).toEqual([
      expect.objectContaining({
        id: 'ai.coder.com-alerts',
        every: schedulerTickMs(cfg),
        data: expect.anything(),
      }),
    ]);
    expect(schedulerTickMs(cfg)).toBe(60_000);
    expect(alerts({ alertEverySeconds: 15 }).map((s) => s.every)).toEqual([15_000]);
    expect(alerts({ alertEverySeconds: 0 })).toEqual([]);
    for (const opts of [{}, { alertEverySeconds: 15 }]) {
      const [spec] = alerts(opts);
      expect(jobs.get('alerts.evaluate')?.payload.safeParse(spec?.data).success).toBe(true);
    }
    // The override reaches the runs, which decide per check what is due.
    expect(alerts({ alertEverySeconds: 15 })[0]?.data).toMatchObject({ everySeconds: 15 });
    expect(environments.get('ai.coder.com')?.alerts?.checks.map((c) => c.id)).toContain('node-storage');
  });
});

describe('per-check intervals', () => {
  const cfg = Alerts.parse({
    everySeconds: 60,
    checks: [{ id: 'fast' }, { id: 'slow', everySeconds: 300 }, { id: 'faster', everySeconds: 30 }],
  });

  it('a check without its own interval takes the section’s; the scheduler ticks at the smallest', () => {
    expect(Object.fromEntries(checkIntervals(cfg))).toEqual({ fast: 60_000, slow: 300_000, faster: 30_000 });
    expect(schedulerTickMs(cfg)).toBe(30_000);
    expect(Object.fromEntries(checkIntervals(cfg, 15))).toEqual({
      fast: 15_000,
      slow: 15_000,
      faster: 15_000,
    });
    expect(schedulerTickMs(cfg, 15)).toBe(15_000);
    expect(Alerts.safeParse({ checks: [{ id: 'x', everySeconds: 1 }] }).success).toBe(false);
  });

  it('each tick runs the checks whose interval has passed, a little early tick included', () => {
    const intervals = checkIntervals(cfg);
    const tick = schedulerTickMs(cfg);
    // Never run: all due. Then ticks every 30 s, each a few ms early or late (the scheduler's jitter).
    const last: Record<string, number> = {};
    const ranAt: Record<string, number[]> = { fast: [], slow: [], faster: [] };
    for (let i = 0; i <= 20; i++) {
      const now = i * tick + (i % 2 ? -40 : 25);
      const due = dueChecks(intervals, last, now, tick);
      for (const id of due) {
        last[id] = now;
        ranAt[id]!.push(i);
      }
    }
    expect(ranAt.faster).toHaveLength(21);
    expect(ranAt.fast).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(ranAt.slow).toEqual([0, 10, 20]);
  });

  it('a last run in the future (a clock set back) counts as due', () => {
    expect(dueChecks(checkIntervals(cfg), { fast: 10_000_000, slow: 0, faster: 0 }, 1_000, 30_000)).toEqual([
      'fast',
    ]);
  });
});
