import { describe, expect, it } from 'vitest';
import { submitChange } from '../../src/plans/submit-change.js';
import { plan, type TestWorld, world } from '../plans/plan-test-kit.js';
import { ALICE, BOB, CHANNEL, defaultAccess, ENV } from '../plans/plan-world.js';
import { eventually } from '../support/redis.js';

let seq = 0;
/** Queues a flag plan without waiting for it (a script flooding the bot would not wait either). */
const submit = (w: TestWorld, name: string, requester = ALICE) =>
  submitChange(w.deps, {
    kind: 'flag.set',
    change: { name, value: 'on' },
    environment: ENV,
    requester,
    channel: CHANNEL,
    jobId: `flood-${++seq}-${w.prefix}`,
  });

describe('a flood of plans', () => {
  it('is capped per user and environment, with a clear refusal, and others can still plan', async () => {
    const w = world({ access: { ...defaultAccess, maxPendingPlansPerUser: 3 } });
    for (const name of ['a', 'b', 'c']) await plan(w, { name, value: 'on' });
    await submit(w, 'd');
    const refusal = await w.chat.waitFor(
      (m) => m.via === 'ephemeral' && m.text.includes('waiting for approval'),
    );
    expect(refusal.text).toContain(
      'you already have 3 plans waiting for approval in test.env (the limit is 3)',
    );
    expect(w.chat.log.filter((m) => m.via === 'post')).toHaveLength(3);
    // Another person is not held back by Alice's plans.
    const bobs = await plan(w, { name: 'e', value: 'on' }, { requester: BOB });
    expect((await w.deps.plans.get(bobs))?.status).toBe('pending');
  });

  it('expiring all at once never holds the workers: a new plan is posted while old buttons are still being cleared', async () => {
    // Real pacing (1 edit/s per channel) and a short plan life, so many plans expire together.
    const w = world({
      access: { ...defaultAccess, planTtlMinutes: 0.02, maxPendingPlansPerUser: 100 },
      editIntervalMs: 1_000,
    });
    const count = 16;
    for (let i = 0; i < count; i++) await submit(w, `storm-${i}`);
    await eventually(async () => (w.chat.posts().length === count ? true : undefined), 20_000);
    const messages = new Map(w.chat.posts().map((m) => [w.chat.buttons(m)[0]!.value, m.ts]));
    const ids = [...messages.keys()];
    const live = () => ids.filter((id) => w.chat.buttons(w.chat.current(messages.get(id)!)).length > 0);
    await eventually(async () => {
      const statuses = await Promise.all(ids.map(async (id) => (await w.deps.plans.get(id))?.status));
      return statuses.every((s) => s === 'expired') ? true : undefined;
    }, 20_000);
    // While the channel's edit slots are the bottleneck, interactive work still gets a worker at once.
    // Edits drain at one a second; the new plan must not queue behind them (it did: 1,067 expiring plans
    // once delayed a new plan by 644 s).
    const fresh = await plan(w, { name: 'after-the-storm', value: 'on' }, { requester: BOB });
    expect(live().length).toBeGreaterThanOrEqual(count / 2);
    // And every expired plan loses its buttons eventually: none is left looking approvable.
    await eventually(async () => (live().length === 0 ? true : undefined), 60_000);
    expect(fresh).toMatch(/^p-/);
  }, 90_000);
});
