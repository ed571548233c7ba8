import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/plans/apply-plan.js';
import { approvePlan } from '../../src/plans/approve-plan.js';
import { flagHistory } from '../../src/plans/kinds/flag-kind.js';
import { requestPlan } from '../../src/plans/request-plan.js';
import { SupersededError } from '../../src/plans/superseded-error.js';
import { eventually } from '../support/redis.js';
import { setFlag, world } from './plan-test-kit.js';
import { ALICE, BOB, CHANNEL, ENV } from './plan-world.js';

describe('a stalled apply run that wakes up after it was replaced', () => {
  it('writes no status, posts nothing and fails nothing: the run that replaced it owns the plan', async () => {
    let stalled = false;
    let wake: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      wake = resolve;
    });
    // No worker: the runs are made by hand, as BullMQ would hand the job from a stalled worker to another.
    const w = world(
      {
        hooks: {
          // The first run stalls inside the change, like a worker whose event loop is blocked.
          async beforeWrite() {
            if (stalled) return;
            stalled = true;
            await gate;
          },
        },
      },
      false,
    );
    await setFlag(w, 'banner', 'off');
    const plan = await requestPlan(w.deps, {
      planId: 'p-fenced',
      kind: 'flag.set',
      change: { name: 'banner', value: 'on' },
      environment: ENV,
      requester: ALICE,
      channel: CHANNEL,
    });
    await approvePlan(w.deps, { planId: plan.id, approver: BOB, approverRole: 'operator', now: Date.now() });
    const first = applyPlan(w.deps, plan.id, { token: 'first-run' });
    await eventually(async () => (stalled ? true : undefined));
    // Its lock lapsed while it stalled (its renewals stopped): the replacement takes over and finishes.
    await w.redis.del(`${w.prefix}:lock:flag:banner`);
    const second = await applyPlan(w.deps, plan.id, { token: 'second-run' });
    expect(second.status).toBe('applied');
    wake();
    await expect(first).rejects.toBeInstanceOf(SupersededError);
    const done = (await w.deps.plans.get(plan.id))!;
    expect(done.status).toBe('applied');
    expect(done.runToken).toBe('second-run');
    expect(w.chat.posts().filter((m) => m.text.includes('Applied'))).toHaveLength(1);
    expect(await flagHistory(w.redis, w.prefix)).toHaveLength(1);
  });
});
