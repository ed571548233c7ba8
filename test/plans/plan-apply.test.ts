import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/locks/acquire-lock.js';
import { approvePlan } from '../../src/plans/approve-plan.js';
import { flagHistory } from '../../src/plans/kinds/flag-kind.js';
import { revertJobId } from '../../src/plans/plan-job-names.js';
import { requestUndo } from '../../src/plans/request-undo.js';
import { dumpPrefix } from '../support/redis.js';
import { flag, lastAudit, plan, setFlag, statusOf, world } from './plan-test-kit.js';
import { ALICE, BOB } from './plan-world.js';

const approve = (w: ReturnType<typeof world>, planId: string, approver = BOB) =>
  approvePlan(w.deps, { planId, approver, approverRole: 'operator', now: w.clock.now() });

describe('applying plans', () => {
  it('refuses to apply when the live value changed since the plan, and shows the current value', async () => {
    const w = world();
    await setFlag(w, 'banner', 'off');
    const id = await plan(w, { name: 'banner', value: 'on' });
    await setFlag(w, 'banner', 'changed-by-hand');
    await approve(w, id);
    const failed = await statusOf(w, id, 'failed');
    expect(failed.error).toContain(
      'the live value changed after this plan was made, so it no longer shows what would change (current value: "changed-by-hand")',
    );
    expect(await flag(w, 'banner')).toBe('changed-by-hand');
    const note = await w.chat.waitFor((m) => m.via === 'post' && m.threadTs === failed.messageTs);
    expect(note.text).toContain('was not applied');
    expect(note.text).toContain('current value: "changed-by-hand"');
    expect(w.chat.current(failed.messageTs!)!.text).toContain('(failed)');
    expect(await lastAudit(w, (a) => a.outcome === 'refused')).toMatchObject({ actor: BOB, planId: id });
    expect(await flagHistory(w.redis, w.prefix)).toEqual([]);
  });

  it('refuses while another change holds the resource, naming it', async () => {
    const w = world();
    const lock = (await acquireLock(w.redis, `${w.prefix}:lock:flag:banner`, 30_000, {
      holder: 'plan p-other',
    }))!;
    const id = await plan(w, { name: 'banner', value: 'on' });
    await approve(w, id);
    const failed = await statusOf(w, id, 'failed');
    expect(failed.error).toContain('busy: flag:banner is being changed by plan p-other');
    expect(await flag(w, 'banner')).toBeNull();
    await lock.release();
  });

  it('undoes an applied plan through a new plan in the same thread', async () => {
    const w = world();
    await setFlag(w, 'banner', 'off');
    const id = await plan(w, { name: 'banner', value: 'on' });
    await approve(w, id);
    const applied = await statusOf(w, id, 'applied');
    const undo = await requestUndo(w.deps, { planId: id, requester: BOB, jobId: `undo-${id}` });
    expect(undo.duplicate).toBe(false);
    expect((await requestUndo(w.deps, { planId: id, requester: BOB, jobId: `undo-${id}` })).duplicate).toBe(
      true,
    );
    const undoMessage = await w.chat.waitFor(
      (m) =>
        m.via === 'post' &&
        m.threadTs === applied.messageTs &&
        w.chat.buttons(m)[0]?.action_id === 'plan.approve',
    );
    expect(undoMessage.text).toContain(`Revert of plan \`${id}\``);
    expect(JSON.stringify(undoMessage.blocks)).toContain('*Before:* \\"on\\"\\n*After:* \\"off\\"');
    const undoId = w.chat.buttons(undoMessage)[0]!.value;
    // Bob asked for the undo, so Alice approves it.
    await approve(w, undoId, ALICE);
    await statusOf(w, undoId, 'applied');
    expect(await flag(w, 'banner')).toBe('off');
    expect((await w.deps.plans.get(id))!.revertedBy).toBe(undoId);
    await expect(requestUndo(w.deps, { planId: id, requester: BOB, jobId: 'undo-again' })).rejects.toThrow(
      `already undone by plan \`${undoId}\``,
    );
    expect((await flagHistory(w.redis, w.prefix)).map((h) => [h.from, h.to])).toEqual([
      ['off', 'on'],
      ['on', 'off'],
    ]);
  });

  it('warns in the undo plan when the value moved since the original was applied', async () => {
    const w = world();
    const id = await plan(w, { name: 'banner', value: 'on' });
    await approve(w, id);
    await statusOf(w, id, 'applied');
    await setFlag(w, 'banner', 'edited');
    await requestUndo(w.deps, { planId: id, requester: BOB, jobId: `undo-${id}` });
    const undoMessage = await w.chat.waitFor((m) => m.via === 'post' && m.text.startsWith('Revert of plan'));
    expect(JSON.stringify(undoMessage.blocks)).toContain(
      `The value was changed by someone else after plan \`${id}\` was applied`,
    );
    expect(JSON.stringify(undoMessage.blocks)).toContain('*Before:* \\"edited\\"\\n*After:* unset');
  });

  it('reverts a time-boxed change by itself when the time is up', async () => {
    const w = world();
    await setFlag(w, 'rotation', 'running');
    const id = await plan(w, { name: 'rotation', value: 'paused' }, { revertAfterMs: 300 });
    await approve(w, id);
    const applied = await statusOf(w, id, 'applied');
    expect(applied.revertAt).toBeGreaterThan(applied.approvedAt!);
    const result = await w.chat.waitFor((m) => m.via === 'post' && m.text.includes('Applied and verified'));
    expect(result.text).toContain('Reverts automatically <!date^');
    expect((await w.queue.jobs.get(revertJobId(id, applied.revertAt!)))?.state).toBe('delayed');

    const reverted = await w.chat.waitFor(
      (m) => m.via === 'post' && m.text.includes('Applied and verified: set flag `rotation` to "running"'),
    );
    expect(await flag(w, 'rotation')).toBe('running');
    expect(reverted.threadTs).toBe(applied.messageTs);
    const revertPlanId = (await w.deps.plans.get(id))!.revertedBy!;
    expect(await w.deps.plans.get(revertPlanId)).toMatchObject({
      requester: 'opsbot',
      approver: BOB,
      revertOf: id,
      status: 'applied',
    });
    const audit = await w.deps.audit.latest(10);
    expect(audit.find((a) => a.outcome === 'requested' && a.planId === revertPlanId)).toMatchObject({
      actor: 'opsbot',
      detail: expect.stringContaining(`scheduled revert of plan \`${id}\``),
    });
  });

  it('does not clobber a value someone changed during the time box', async () => {
    const w = world();
    await setFlag(w, 'rotation', 'running');
    const id = await plan(w, { name: 'rotation', value: 'paused' }, { revertAfterMs: 1000 });
    await approve(w, id);
    const applied = await statusOf(w, id, 'applied');
    await setFlag(w, 'rotation', 'scaled-by-hand');
    const note = await w.chat.waitFor((m) => m.via === 'post' && m.text.includes('scheduled revert'));
    expect(note.threadTs).toBe(applied.messageTs);
    expect(note.text).toBe(
      `:warning: The scheduled revert of plan \`${id}\` did not run: someone changed the value since the plan was applied, and reverting (set flag \`rotation\` to "running") would overwrite their change (current value: "scaled-by-hand")\nIf it should still change, plan it again from the current value.`,
    );
    expect(await flag(w, 'rotation')).toBe('scaled-by-hand');
    expect(await lastAudit(w, (a) => a.outcome === 'refused')).toMatchObject({ actor: 'opsbot', planId: id });
  });

  it('does not run a scheduled revert after the change was undone by hand', async () => {
    const w = world();
    const id = await plan(w, { name: 'rotation', value: 'paused' }, { revertAfterMs: 60_000 });
    await approve(w, id);
    const applied = await statusOf(w, id, 'applied');
    const revertJob = revertJobId(id, applied.revertAt!);
    expect((await w.queue.jobs.get(revertJob))?.state).toBe('delayed');
    await requestUndo(w.deps, { planId: id, requester: BOB, jobId: `undo-${id}` });
    const undoMessage = await w.chat.waitFor((m) => m.via === 'post' && m.text.startsWith('Revert of plan'));
    const undoId = w.chat.buttons(undoMessage)[0]!.value;
    await approve(w, undoId, ALICE);
    await statusOf(w, undoId, 'applied');
    expect(await w.queue.jobs.get(revertJob)).toBeUndefined();
  });

  it('keeps internal errors and secrets out of Slack and out of Redis', async () => {
    const secret = 'sk-ant-PLANTED-SECRET-999';
    const w = world({
      hooks: {
        async beforeWrite() {
          throw new Error(`upstream said 401 for Authorization: Bearer ${secret}`);
        },
      },
    });
    const id = await plan(w, { name: 'banner', value: 'on' });
    await approve(w, id);
    const failed = await statusOf(w, id, 'failed');
    expect(failed.error).toBe(`internal error, ref apply-${id}`);
    await w.chat.waitFor((m) => m.text.includes('was not applied'));
    expect(JSON.stringify(w.chat.log)).not.toContain(secret);
    expect(await dumpPrefix(w.redis, w.prefix)).not.toContain(secret);
    expect(await lastAudit(w, (a) => a.outcome === 'failed')).toMatchObject({ planId: id });
  });
});
