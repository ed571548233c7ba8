import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { approvePlan } from '../../src/plans/approve-plan.js';
import { accessFromInventory } from '../../src/plans/plan-deps.js';
import { requestPlan } from '../../src/plans/request-plan.js';
import { plan, statusOf, world } from './plan-test-kit.js';
import { ALICE, BOB, CHANNEL, ENV } from './plan-world.js';

describe('plan store and requests', () => {
  it('makes one plan and one message when the plan job is retried', async () => {
    const w = world({}, false);
    const request = {
      planId: 'p-retry',
      kind: 'flag.set',
      change: { name: 'banner', value: 'on' },
      environment: ENV,
      requester: ALICE,
      channel: CHANNEL,
    };
    const first = await requestPlan(w.deps, request);
    const second = await requestPlan(w.deps, request);
    expect(second.messageTs).toBe(first.messageTs);
    expect(w.chat.posts()).toHaveLength(1);
    expect((await w.deps.audit.latest(10)).filter((a) => a.outcome === 'requested')).toHaveLength(1);
  });

  it('moves a status only from the states it allows', async () => {
    const w = world({}, false);
    const p = await requestPlan(w.deps, {
      planId: 'p-states',
      kind: 'flag.set',
      change: { name: 'banner', value: 'on' },
      environment: ENV,
      requester: ALICE,
      channel: CHANNEL,
    });
    const now = w.clock.now();
    expect(await w.deps.plans.transition(p.id, ['approved'], 'applying', now)).toEqual({
      ok: false,
      status: 'pending',
    });
    expect(await w.deps.plans.transition(p.id, ['pending'], 'approved', now, { approver: BOB })).toEqual({
      ok: true,
      from: 'pending',
    });
    expect(await w.deps.plans.transition(p.id, ['pending'], 'approved', now)).toEqual({
      ok: false,
      status: 'approved',
    });
    expect(await w.deps.plans.transition('p-nope', ['pending'], 'approved', now)).toEqual({
      ok: false,
      status: 'missing',
    });
    expect(await w.deps.plans.get('p-nope')).toBeUndefined();
    expect(await w.deps.plans.update('p-nope', { result: 'x' })).toBe(false);
    expect(await w.redis.pttl(`${w.prefix}:plan:${p.id}`)).toBeGreaterThan(24 * 3600_000);
  });

  it('lists recent plans newest first, forgetting ones that are gone', async () => {
    const w = world({}, false);
    for (const [i, name] of ['one', 'two', 'three'].entries()) {
      w.clock.advance(1000);
      await requestPlan(w.deps, {
        planId: `p-${i}`,
        kind: 'flag.set',
        change: { name, value: 'on' },
        environment: ENV,
        requester: ALICE,
        channel: CHANNEL,
      });
    }
    await w.redis.del(`${w.prefix}:plan:p-1`);
    const recent = await w.deps.plans.recent(10);
    expect(recent.map((p) => [p.id, p.status, p.summary])).toEqual([
      ['p-2', 'pending', 'set flag `three` to "on"'],
      ['p-0', 'pending', 'set flag `one` to "on"'],
    ]);
    expect(await w.redis.zcard(`${w.prefix}:plans`)).toBe(2);
  });

  it('lets the approver finish an approved plan whose apply was never queued', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'on' });
    // As if Redis failed right after the approval was recorded.
    await w.deps.plans.transition(id, ['pending'], 'approved', w.clock.now(), { approver: BOB });
    await expect(
      approvePlan(w.deps, { planId: id, approver: 'UCAROL', approverRole: 'admin', now: w.clock.now() }),
    ).rejects.toThrow(`already approved by <@${BOB}>`);
    const again = await approvePlan(w.deps, {
      planId: id,
      approver: BOB,
      approverRole: 'operator',
      now: w.clock.now(),
    });
    expect(again.jobId).toBe(`apply-${id}`);
    await statusOf(w, id, 'applied');
  });

  it('paces edits of the plan message to one per second per channel', async () => {
    const w = world({ editIntervalMs: 1000 });
    const id = await plan(w, { name: 'banner', value: 'on' });
    await approvePlan(w.deps, { planId: id, approver: BOB, approverRole: 'operator', now: w.clock.now() });
    const p = await statusOf(w, id, 'applied');
    await w.chat.waitFor((m) => m.via === 'update' && m.ts === p.messageTs && m.text.includes('(applied)'));
    const edits = w.chat.log.filter((m) => m.via === 'update' && m.channel === CHANNEL);
    expect(edits.map((e) => e.text.match(/\((\w+)\)$/)?.[1])).toEqual(['applying', 'applied']);
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('takes access rules from the inventory', async () => {
    const envs = await loadInventory(join(import.meta.dirname, '../../infra'));
    const access = accessFromInventory(envs);
    expect(access('ai.coder.com')).toMatchObject({ incidentWaiver: true, planTtlMinutes: 15 });
    expect(access('ai.coder.com').twoPerson).toContain('dns.update');
    expect(() => access('devcoder.io')).toThrow(UserError);
  });
});
