import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOpsbotJobs } from '../../src/app/create-job-registry.js';
import { inventorySchedules } from '../../src/app/inventory-schedules.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';

describe('alert schedules from the inventory', () => {
  it('one job scheduler per environment with alert checks, at its interval or the sandbox override', async () => {
    const environments = await loadInventory(resolve('infra'));
    const jobs = createOpsbotJobs();
    const alerts = (opts = {}) =>
      inventorySchedules(environments, jobs, opts).schedules.filter((s) => s.job === 'alerts.evaluate');
    expect(alerts()).toEqual([
      expect.objectContaining({ id: 'ai.coder.com-alerts', every: 60_000, data: expect.anything() }),
    ]);
    expect(alerts({ alertEverySeconds: 15 }).map((s) => s.every)).toEqual([15_000]);
    const [spec] = alerts();
    expect(jobs.get('alerts.evaluate')?.payload.safeParse(spec?.data).success).toBe(true);
    expect(environments.get('ai.coder.com')?.alerts?.checks.map((c) => c.id)).toContain('node-storage');
  });
});
