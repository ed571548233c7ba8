import { describe, expect, it } from 'vitest';
import { requestPlan } from '../../src/plans/request-plan.js';
import { SWEEP_GRACE_MS, sweepPlans } from '../../src/plans/sweep-plans.js';
import { setFlag, world } from './plan-test-kit.js';
import { ALICE, BOB, CHANNEL, ENV } from './plan-world.js';

// A plan left in `applying` with no job behind it: its worker died right after BullMQ gave up on the job.
async function stranded(w: ReturnType<typeof world>, name: string) {
  await setFlag(w, name, 'off');
  const plan = await requestPlan(w.deps, {
    planId: `p-stranded-${name}`,
    kind: 'flag.set',
    change: { name, value: 'on' },
    environment: ENV,
    requester: ALICE,
    channel: CHANNEL,
  });
  await w.deps.plans.transition(plan.id, ['pending'], 'approved', w.clock.now(), { approver: BOB });
  await w.deps.plans.transition(plan.id, ['approved'], 'applying', w.clock.now());
  return plan.id;
}

describe('the plan sweep', () => {
  it('reports a stranded apply whose change is live as applied (unverified), and one whose change is not as failed', async () => {
    const w = world({}, false);
    const done = await stranded(w, 'written');
    const notDone = await stranded(w, 'untouched');
    await setFlag(w, 'written', 'on'); // the dead run's write went through
    expect(await sweepPlans(w.deps)).toEqual([]); // still inside the grace period
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    expect((await sweepPlans(w.deps)).sort()).toEqual([done, notDone].sort());
    const applied = (await w.deps.plans.get(done))!;
    expect(applied.status).toBe('applied');
    expect(applied.result).toContain('its job ended before it could verify');
    expect((await w.deps.plans.get(notDone))!.status).toBe('failed');
    const posts = w.chat.posts().map((m) => m.text);
    expect(posts.some((t) => t.includes('was not applied'))).toBe(true);
    expect(
      (await w.deps.audit.latest(20)).filter((a) => a.planId === done && a.outcome === 'failed'),
    ).toHaveLength(1);
  });

  it('announces a plan recorded as applied whose result was never posted, once', async () => {
    const w = world({}, false);
    const id = await stranded(w, 'recorded');
    await setFlag(w, 'recorded', 'on');
    // The dead run got as far as recording it applied, not as far as the result or the audit line.
    await w.deps.plans.transition(id, ['applying'], 'applied', w.clock.now(), { result: 'flag set' });
    expect(await sweepPlans(w.deps)).toEqual([]);
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepPlans(w.deps)).toEqual([id]);
    const plan = (await w.deps.plans.get(id))!;
    expect(plan.resultTs).toBeDefined();
    const results = () => w.chat.posts().filter((m) => m.text.includes('Applied'));
    expect(results()).toHaveLength(1);
    expect(
      (await w.deps.audit.latest(20)).filter((a) => a.planId === id && a.outcome === 'failed'),
    ).toHaveLength(1);
    // The next sweep leaves it alone.
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    expect(await sweepPlans(w.deps)).toEqual([]);
    expect(results()).toHaveLength(1);
  });
});
