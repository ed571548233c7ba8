import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceApplied } from '../../src/plans/announce-applied.js';
import { approvePlan } from '../../src/plans/approve-plan.js';
import { requestPlan } from '../../src/plans/request-plan.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { plan, setFlag, statusOf, world } from '../plans/plan-test-kit.js';
import { ALICE, BOB, CHANNEL, ENV } from '../plans/plan-world.js';
import { planFor, startTestSandbox, threadOf } from '../scale/e2e-kit.js';

// A crash between "message posted" and "message recorded" is simulated by deleting the record:
// the claim written before the post stays, as it would.
describe('posting a plan or its result after a crash', () => {
  it('does not post a second plan message with live buttons', async () => {
    const w = world({}, false);
    await setFlag(w, 'banner', 'off');
    const request = {
      planId: 'p-crash-post',
      kind: 'flag.set',
      change: { name: 'banner', value: 'on' },
      environment: ENV,
      requester: ALICE,
      channel: CHANNEL,
    };
    const first = await requestPlan(w.deps, request);
    await w.redis.hdel(`${w.prefix}:plan:${first.id}`, 'messageTs');
    const again = await requestPlan(w.deps, request);
    expect(w.chat.posts()).toHaveLength(1);
    expect(again.messageTs).toBe(first.messageTs);
  });

  it('does not post or audit a result twice', async () => {
    const w = world();
    await setFlag(w, 'banner', 'off');
    const id = await plan(w, { name: 'banner', value: 'on' });
    await approvePlan(w.deps, { planId: id, approver: BOB, approverRole: 'operator', now: w.clock.now() });
    const applied = await statusOf(w, id, 'applied');
    await w.redis.hdel(`${w.prefix}:plan:${id}`, 'resultTs');
    const again = await announceApplied(w.deps, id);
    expect(again.resultTs).toBe(applied.resultTs);
    expect(w.chat.posts().filter((m) => m.text.includes('Applied and verified'))).toHaveLength(1);
    expect((await w.deps.audit.latest(20)).filter((a) => a.outcome === 'applied')).toHaveLength(1);
  });
});

describe('against Slack (the sandbox), through message metadata', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('finds the result it already posted in the plan thread', async () => {
    const message = await planFor(sandbox, 'operator', '/scale provisioners:demo 3');
    await sandbox.slack.press('operator2', message, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.thread_ts === message.ts && m.text.includes('Applied and verified'));
    await sandbox.slack.settle();
    const deps = sandbox.bot!.deps;
    const id = /p-[0-9a-f]+/.exec(message.text)![0];
    await deps.redis.hdel(`${deps.prefix}:plan:${id}`, 'resultTs');
    await announceApplied(deps, id);
    const results = threadOf(sandbox, message).filter((m) => m.text.includes('Applied and verified'));
    expect(results).toHaveLength(1);
  });
});
