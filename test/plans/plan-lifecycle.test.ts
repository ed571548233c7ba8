import { describe, expect, it } from 'vitest';
import { approvePlan } from '../../src/plans/approve-plan.js';
import { cancelPlan } from '../../src/plans/cancel-plan.js';
import { flagHistory } from '../../src/plans/kinds/flag-kind.js';
import { flag, lastAudit, plan, setFlag, statusOf, world } from './plan-test-kit.js';
import { ALICE, BOB, CHANNEL, VIEWER } from './plan-world.js';

describe('plan lifecycle', () => {
  it('plans, approves, applies, verifies and offers Undo in the thread', async () => {
    const w = world();
    await setFlag(w, 'banner', 'off');
    const id = await plan(w, { name: 'banner', value: 'maintenance at 17:00' });
    const posted = w.chat.posts().find((m) => w.chat.buttons(m).length)!;
    expect(posted).toMatchObject({ channel: CHANNEL });
    expect(JSON.stringify(posted.blocks)).toContain(
      '*Before:* \\"off\\"\\n*After:* \\"maintenance at 17:00\\"',
    );
    expect(JSON.stringify(posted.blocks)).toContain('needs approval by someone other than the requester');
    expect(w.chat.buttons(posted).map((b) => b.action_id)).toEqual(['plan.approve', 'plan.cancel']);

    const approved = await approvePlan(w.deps, {
      planId: id,
      approver: BOB,
      approverRole: 'operator',
      now: w.clock.now(),
    });
    expect(approved).toMatchObject({ jobId: `apply-${id}`, duplicate: false });
    const applied = await statusOf(w, id, 'applied');
    expect(applied).toMatchObject({ approver: BOB, verified: true });
    expect(await flag(w, 'banner')).toBe('maintenance at 17:00');

    const result = await w.chat.waitFor((m) => m.via === 'post' && m.threadTs === posted.ts);
    expect(result.text).toContain('Applied and verified: set flag `banner` to "maintenance at 17:00"');
    expect(w.chat.buttons(result)).toEqual([{ action_id: 'plan.undo', value: id }]);
    const planMessage = w.chat.current(posted.ts)!;
    expect(w.chat.buttons(planMessage)).toEqual([]); // decided: no more buttons
    expect(planMessage.text).toContain('(applied)');

    const audit = await w.deps.audit.latest(10);
    expect(audit.map((a) => [a.outcome, a.actor])).toEqual([
      ['applied', BOB],
      ['approved', BOB],
      ['requested', ALICE],
    ]);
    expect(audit.every((a) => a.planId === id && a.action === 'flag.set')).toBe(true);
  });

  it('enforces the two-person rule, and audits the refusal', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'on' });
    await expect(
      approvePlan(w.deps, { planId: id, approver: ALICE, approverRole: 'admin', now: w.clock.now() }),
    ).rejects.toThrow(
      `Setting an ops flag needs a second person to approve: someone other than <@${ALICE}>, who asked for it, must press Approve.`,
    );
    expect((await w.deps.plans.get(id))!.status).toBe('pending');
    const [denied] = await w.deps.audit.latest(1);
    expect(denied).toMatchObject({ outcome: 'denied', actor: ALICE, planId: id });
    // Incident mode alone is not enough where the inventory does not allow the waiver.
    const strict = world({ access: { twoPerson: ['flag.set'], incidentWaiver: false, planTtlMinutes: 15 } });
    const id2 = await plan(strict, { name: 'banner', value: 'on' });
    await expect(
      approvePlan(strict.deps, {
        planId: id2,
        approver: ALICE,
        approverRole: 'admin',
        incident: true,
        now: Date.now(),
      }),
    ).rejects.toThrow('needs a second person');
  });

  it('lets incident mode waive the two-person rule and records the waiver', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'incident' });
    const result = await approvePlan(w.deps, {
      planId: id,
      approver: ALICE,
      approverRole: 'operator',
      incident: true,
      now: w.clock.now(),
    });
    expect(result.waiver).toContain('waived in incident mode');
    await statusOf(w, id, 'applied');
    const audit = await w.deps.audit.latest(5);
    expect(audit.find((a) => a.outcome === 'approved')).toMatchObject({
      actor: ALICE,
      waiver: result.waiver,
    });
    expect(audit.find((a) => a.outcome === 'applied')!.waiver).toBe(result.waiver);
  });

  it('refuses approval below the needed role', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'on' });
    await expect(
      approvePlan(w.deps, { planId: id, approver: VIEWER, approverRole: 'viewer', now: w.clock.now() }),
    ).rejects.toThrow('Approving this plan (setting an ops flag) needs the operator role; you are viewer.');
    expect((await w.deps.audit.latest(1))[0]).toMatchObject({ outcome: 'denied', actor: VIEWER });
  });

  it('expires a plan that waited too long', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'late' });
    const message = w.chat.posts().at(-1)!;
    w.clock.advance(16 * 60_000); // planTtlMinutes is 15
    await expect(
      approvePlan(w.deps, { planId: id, approver: BOB, approverRole: 'operator', now: w.clock.now() }),
    ).rejects.toThrow(`Plan \`${id}\` expired; run the command again.`);
    expect((await w.deps.plans.get(id))!.status).toBe('expired');
    expect(w.chat.current(message.ts)!.text).toContain('(expired)');
    expect(w.chat.buttons(w.chat.current(message.ts))).toEqual([]);
    expect(await flag(w, 'banner')).toBeNull();
    expect((await w.deps.audit.latest(1))[0]).toMatchObject({ outcome: 'expired', actor: BOB });
    // Even the requester, who could never approve it, is told it expired.
    await expect(
      approvePlan(w.deps, { planId: id, approver: ALICE, approverRole: 'operator', now: w.clock.now() }),
    ).rejects.toThrow(`Plan \`${id}\` expired`);
  });

  it('expires a plan nobody decided on by itself, taking its buttons away', async () => {
    const w = world({ access: { twoPerson: [], incidentWaiver: false, planTtlMinutes: 0.005 } }); // 300 ms
    const id = await plan(w, { name: 'banner', value: 'forgotten' });
    const expired = await statusOf(w, id, 'expired');
    await w.chat.waitFor(
      (m) => m.via === 'update' && m.ts === expired.messageTs && m.text.includes('(expired)'),
    );
    expect(w.chat.buttons(w.chat.current(expired.messageTs!))).toEqual([]);
    expect(await lastAudit(w, (a) => a.outcome === 'expired')).toMatchObject({ actor: 'opsbot', planId: id });
  });

  it('applies once however often Approve is clicked', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'once' });
    const now = w.clock.now();
    const clicks = await Promise.allSettled([
      approvePlan(w.deps, { planId: id, approver: BOB, approverRole: 'operator', now }),
      approvePlan(w.deps, { planId: id, approver: BOB, approverRole: 'operator', now }),
      approvePlan(w.deps, { planId: id, approver: 'UCAROL', approverRole: 'admin', now }),
    ]);
    expect(clicks.filter((c) => c.status === 'fulfilled' && !c.value.duplicate)).toHaveLength(1);
    await statusOf(w, id, 'applied');
    const late = approvePlan(w.deps, { planId: id, approver: 'UCAROL', approverRole: 'admin', now });
    await expect(late).rejects.toThrow(
      new RegExp(
        `^Plan \`${id}\` was already approved by <@(${BOB}|UCAROL)> and applied; nothing more to do\\.$`,
      ),
    );
    expect(await flagHistory(w.redis, w.prefix)).toHaveLength(1);
    expect((await w.deps.audit.latest(10)).filter((a) => a.outcome === 'applied')).toHaveLength(1);
  });

  it('cancels a pending plan; it can then not be approved', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'nope' });
    await expect(
      cancelPlan(w.deps, { planId: id, actor: VIEWER, actorRole: 'viewer', now: w.clock.now() }),
    ).rejects.toThrow('Only the requester or someone with the operator role may cancel this plan.');
    await cancelPlan(w.deps, { planId: id, actor: ALICE, actorRole: 'viewer', now: w.clock.now() });
    const p = (await w.deps.plans.get(id))!;
    expect(p).toMatchObject({ status: 'cancelled', cancelledBy: ALICE });
    expect(w.chat.current(p.messageTs!)!.blocks!.at(-1)).toMatchObject({
      type: 'context',
      elements: [{ text: `Cancelled by <@${ALICE}>` }],
    });
    await expect(
      approvePlan(w.deps, { planId: id, approver: BOB, approverRole: 'operator', now: w.clock.now() }),
    ).rejects.toThrow(`Plan \`${id}\` was cancelled by <@${ALICE}>; nothing more to do.`);
    expect((await w.deps.audit.latest(1))[0]).toMatchObject({ outcome: 'cancelled', actor: ALICE });
  });

  it('tells the requester when there is nothing to change, and makes no plan', async () => {
    const w = world();
    await setFlag(w, 'banner', 'same');
    const { submitChange } = await import('../../src/plans/submit-change.js');
    await submitChange(w.deps, {
      kind: 'flag.set',
      change: { name: 'banner', value: 'same' },
      environment: 'test.env',
      requester: ALICE,
      channel: CHANNEL,
      jobId: `noop-${w.prefix}`,
    });
    const note = await w.chat.waitFor((m) => m.via === 'ephemeral');
    expect(note).toMatchObject({ user: ALICE, channel: CHANNEL });
    expect(note.text).toBe(
      ':warning: Could not plan that: nothing to change: set flag `banner` to "same" would leave it as it is ("same").',
    );
    expect(w.chat.posts()).toHaveLength(0);
  });

  it('rejects a malformed change before queuing anything', async () => {
    const w = world({}, false);
    const { submitChange } = await import('../../src/plans/submit-change.js');
    await expect(
      submitChange(w.deps, {
        kind: 'flag.set',
        change: { name: 'Not A Flag', value: 'x' },
        environment: 'test.env',
        requester: ALICE,
        channel: CHANNEL,
        jobId: 'bad',
      }),
    ).rejects.toThrow('flag names are lowercase');
    expect(await w.queue.jobs.recent()).toEqual([]);
  });
});
