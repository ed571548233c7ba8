import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { approvePlan } from '../../src/plans/approve-plan.js';
import { flagHistory } from '../../src/plans/kinds/flag-kind.js';
import { requestPlan } from '../../src/plans/request-plan.js';
import { eventually, redisUrl } from '../support/redis.js';
import { flag, setFlag, statusOf, world } from './plan-test-kit.js';
import { ALICE, BOB, CHANNEL, ENV } from './plan-world.js';

const fixture = join(import.meta.dirname, 'fixtures/crash-worker.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('a worker killed mid-apply', () => {
  it.each(['beforeWrite', 'afterWrite'] as const)(
    'is replaced by another worker and the change happens exactly once (killed %s)',
    async (crashAt) => {
      const w = world({ lockTtlMs: 1_000 }, false);
      await setFlag(w, 'banner', 'off');
      const planned = await requestPlan(w.deps, {
        planId: `p-crash-${crashAt}`,
        kind: 'flag.set',
        change: { name: 'banner', value: 'on' },
        environment: ENV,
        requester: ALICE,
        channel: CHANNEL,
      });

      const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
        env: { ...process.env, REDIS_URL: redisUrl(), PREFIX: w.prefix, CRASH_AT: crashAt },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d) => {
        stderr += String(d);
      });
      await eventually(async () => (await w.redis.get(`${w.prefix}:child-ready`)) ?? undefined, 20_000).catch(
        () => {
          throw new Error(`crash worker did not start: ${stderr}`);
        },
      );

      await approvePlan(w.deps, {
        planId: planned.id,
        approver: BOB,
        approverRole: 'operator',
        now: Date.now(),
      });
      await eventually(async () => (await w.redis.get(`${w.prefix}:crash-point`)) ?? undefined);
      child.kill('SIGKILL');
      await once(child, 'exit');
      expect((await w.deps.plans.get(planned.id))!.status).toBe('applying');

      // A fresh worker finds the stalled job once its lock lapses, and finishes the plan.
      w.startWorker({ lockDuration: 1_000, stalledInterval: 500 });
      const applied = await statusOf(w, planned.id, 'applied');
      expect(applied.verified).toBe(true);
      expect(await flag(w, 'banner')).toBe('on');
      expect(await flagHistory(w.redis, w.prefix)).toEqual([
        { name: 'banner', from: 'off', to: 'on', planId: planned.id },
      ]);
      // The result is announced just after the status changes.
      await eventually(async () => ((await w.deps.plans.get(planned.id))?.resultTs ? true : undefined));
      const results = w.chat.log.filter((m) => m.via === 'post' && m.text.includes('Applied and verified'));
      expect(results).toHaveLength(1);
      expect((await w.deps.audit.latest(10)).filter((a) => a.outcome === 'applied')).toHaveLength(1);
    },
  );
});
