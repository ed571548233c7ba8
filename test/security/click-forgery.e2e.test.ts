import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import { postInteraction } from '../../src/sandbox/slack/send-to-bot.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { buttonsOf, deployment, ephemeralsFor, planFor, startTestSandbox } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
const planIdOf = (m: RecordedMessage) => /p-[0-9a-f]+/.exec(m.text)?.[0] ?? '';
const demo = () => deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-demo');

/** A click built from `message` but altered the way an attacker would: another channel, another value. */
function forgedPress(
  role: string,
  message: RecordedMessage,
  actionId: string,
  change: Partial<RecordedMessage>,
  value?: string,
) {
  const forged = { ...message, ...change };
  const payload = sandbox.sim.slack.newBlockActions({
    message: forged,
    actionId,
    userId: sandbox.slack.user(role),
    ...(value ? { value } : {}),
  });
  return postInteraction(sandbox.state.slack.eventsUrl, sandbox.state.slack.signingSecret, payload);
}

async function deniedAudits(planId: string) {
  return (await sandbox.bot!.deps.audit.latest(200)).filter(
    (a) => a.planId === planId && a.outcome === 'denied',
  );
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('a click is judged against its plan, not its channel', () => {
  it('an Approve sent from the other environment’s ops channel is refused and audited', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:demo 3');
    const id = planIdOf(plan);
    const reply = await forgedPress('operator2', plan, 'plan.approve', { channel: 'C0DEMOOPS' });
    expect(reply.status).toBe(200);
    await sandbox.slack.settle();
    expect((await sandbox.bot!.deps.plans.get(id))!.status).toBe('pending');
    expect(demo().desired).toBe(2);
    const denied = await deniedAudits(id);
    expect(denied.some((a) => a.detail.includes('for a plan of ai.coder.com'))).toBe(true);
    expect(ephemeralsFor(sandbox, 'operator2').join('\n')).toContain('does not belong to plan');
    await sandbox.slack.press('operator', plan, 'plan.cancel');
    await sandbox.slack.settle();
  });

  it('an Approve whose value names another plan than its message is refused', async () => {
    const first = await planFor(sandbox, 'operator', '/scale provisioners:demo 3');
    const second = await planFor(sandbox, 'operator', '/scale provisioners:experimental 3');
    // The button of the first plan's message, edited to carry the second plan's id.
    await forgedPress('operator2', first, 'plan.approve', {}, planIdOf(second));
    await sandbox.slack.settle();
    expect((await sandbox.bot!.deps.plans.get(planIdOf(second)))!.status).toBe('pending');
    expect((await deniedAudits(planIdOf(second))).some((a) => a.detail.includes('not the plan’s'))).toBe(
      true,
    );
    await sandbox.slack.press('operator', first, 'plan.cancel');
    await sandbox.slack.press('operator', second, 'plan.cancel');
    await sandbox.slack.settle();
  });

  it('a replayed Approve after the plan was applied changes nothing more', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:demo 3');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified'));
    sandbox.sim.kube.control.setReplicas('us-east-2', 'coder', 'coder-provisioner-demo', 2);
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    expect(demo().desired).toBe(2);
    expect(ephemeralsFor(sandbox, 'operator2').join('\n')).toContain('and applied; nothing more to do');
  });
});

describe('Undo', () => {
  it('after a cancelled Undo, Undo plans a fresh one (no fixed job id)', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:experimental 3');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    const result = await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified'),
    );
    const undoOf = (seen: number) =>
      sandbox.slack.waitFor(
        (m) => m.seq > seen && m.via === 'chat.postMessage' && m.text.startsWith('Revert of plan'),
      );
    let seen = sandbox.slack.messages().length;
    await sandbox.slack.press('operator', result, 'plan.undo');
    const firstUndo = await undoOf(seen);
    // A double click while that undo is open plans nothing new.
    await sandbox.slack.press('operator', result, 'plan.undo');
    await sandbox.slack.settle();
    expect(
      sandbox.slack
        .messages()
        .filter((m) => m.seq > seen && m.via === 'chat.postMessage' && m.text.startsWith('Revert of plan')),
    ).toHaveLength(1);
    expect(ephemeralsFor(sandbox, 'operator').join('\n')).toContain('is already pending');
    await sandbox.slack.press('operator', firstUndo, 'plan.cancel');
    await sandbox.slack.settle();
    seen = sandbox.slack.messages().length;
    await sandbox.slack.press('operator', result, 'plan.undo');
    const secondUndo = await undoOf(seen);
    const approveValue = (m: RecordedMessage) =>
      buttonsOf(m).find((b) => b.action_id === 'plan.approve')?.value;
    expect(approveValue(secondUndo)).not.toBe(approveValue(firstUndo));
    await sandbox.slack.press('operator2', secondUndo, 'plan.approve');
    await sandbox.slack.waitFor(
      (m) =>
        m.thread_ts === plan.ts &&
        m.text.includes('Applied and verified: scale `provisioners:experimental` to 2'),
    );
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-experimental').desired).toBe(2);
  });
});
