import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PauseStore } from '../../src/changes/rotation/pause-store.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { deployment, planFor, startTestSandbox, threadOf, until } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
const planIdOf = (text: string) => /p-[0-9a-f]+/.exec(text)?.[0] ?? '';
const threadText = (plan: Parameters<typeof threadOf>[1]) =>
  threadOf(sandbox, plan)
    .map((m) => m.text)
    .join('\n');

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('an apply that fails part-way', () => {
  it('`/scale reset all` whose third cluster fails after the first two were scaled finishes on retry', async () => {
    const control = sandbox.sim.kube.control;
    control.setReplicas('us-east-2', 'litellm', 'litellm', 6);
    control.setReplicas('us-west-2', 'coder', 'coder', 3);
    control.setReplicas('eu-west-2', 'coder', 'coder', 3);
    const plan = await planFor(sandbox, 'operator', '/scale reset all');
    // Only the write to London fails: the reads and the other clusters' writes go through first.
    sandbox.sim.faults.fail('kube:eu-west-2', { status: 503, count: 1, methods: ['PATCH'] });
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && /Applied and verified|was not applied/.test(m.text),
      30_000,
    );
    expect(threadText(plan)).toContain('Applied and verified');
    expect(threadText(plan)).not.toContain('Not applied');
    expect(deployment(sandbox, 'us-east-2', 'litellm', 'litellm').desired).toBe(4);
    expect(deployment(sandbox, 'us-west-2', 'coder', 'coder').desired).toBe(2);
    expect(deployment(sandbox, 'eu-west-2', 'coder', 'coder').desired).toBe(2);
    const record = await sandbox.bot!.deps.plans.get(planIdOf(plan.text));
    expect(record?.status).toBe('applied');
    await sandbox.slack.settle();
  });

  it('a third value on one target is still a conflict, and nothing is written', async () => {
    sandbox.sim.kube.control.setReplicas('us-west-2', 'coder', 'coder', 3);
    sandbox.sim.kube.control.setReplicas('eu-west-2', 'coder', 'coder', 3);
    const plan = await planFor(sandbox, 'operator', '/scale reset all');
    sandbox.sim.kube.control.setReplicas('eu-west-2', 'coder', 'coder', 4);
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.thread_ts === plan.ts && m.text.includes('was not applied'));
    expect(threadText(plan)).toContain('the live value changed after this plan was made');
    expect(deployment(sandbox, 'us-west-2', 'coder', 'coder').desired).toBe(3);
    expect(deployment(sandbox, 'eu-west-2', 'coder', 'coder').desired).toBe(4);
    sandbox.sim.kube.control.setReplicas('us-west-2', 'coder', 'coder', 2);
    sandbox.sim.kube.control.setReplicas('eu-west-2', 'coder', 'coder', 2);
    await sandbox.slack.settle();
  });

  it('a read that fails while applying is retried, not reported as a user error', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:demo 3');
    sandbox.sim.faults.fail('kube:us-east-2', { status: 503, count: 1, methods: ['GET'] });
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && /Applied and verified|was not applied/.test(m.text),
      30_000,
    );
    expect(threadText(plan)).toContain('Applied and verified');
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-demo').desired).toBe(3);
    await sandbox.slack.settle();
  });
});

describe('a rotation pause under faults', () => {
  const rotator = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm-key-rotator');
  const pauses = () => new PauseStore(sandbox.bot!.deps.redis, sandbox.bot!.deps.prefix);

  it('whose scale fails once is retried, and ends paused with its pause recorded and its resume scheduled', async () => {
    const plan = await planFor(sandbox, 'operator', '/rotation pause --for 1h');
    sandbox.sim.faults.fail('kube:us-east-2', { status: 503, count: 1, methods: ['PATCH'] });
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && /Applied and verified|was not applied/.test(m.text),
      30_000,
    );
    expect(rotator().desired).toBe(0);
    const id = planIdOf(plan.text);
    const pause = await pauses().get('ai.coder.com');
    expect(pause?.planId).toBe(id);
    const record = (await sandbox.bot!.deps.plans.get(id))!;
    // The resume is scheduled for the end the pause record shows (both an hour from the apply).
    expect(Math.abs((pause?.until ?? 0) - (record.revertAt ?? 0))).toBeLessThan(5_000);
    const jobs = await sandbox.bot!.deps.queue.jobs.recent(200);
    expect(jobs.some((j) => j.name === 'plan.revert' && j.state === 'delayed')).toBe(true);
    expect(jobs.some((j) => j.name === 'rotation.remind' && j.state === 'delayed')).toBe(true);
  });

  it('whose scheduled resume is refused (rotator restarted by hand) clears its pause record and says so', async () => {
    expect((await pauses().get('ai.coder.com'))?.planId).toBeDefined();
    sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm-key-rotator', 1);
    // Resume now moves the resume to now; the rotator already runs, so the revert is refused.
    await sandbox.slack.command('operator', '/rotation resume');
    await sandbox.slack.waitFor((m) => m.text.includes('The pause record for ai.coder.com was cleared'));
    expect(await pauses().get('ai.coder.com')).toBeUndefined();
    await until(() => rotator().desired === 1);
    await sandbox.slack.settle();
  });

  it('whose scale keeps failing ends failed, leaves no pause recorded, and says rotation still runs', async () => {
    const plan = await planFor(sandbox, 'operator', '/rotation pause --for 1h');
    sandbox.sim.faults.fail('kube:us-east-2', { status: 503, count: 3, methods: ['PATCH'] });
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    const failed = await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && m.text.includes('was not applied'),
      30_000,
    );
    expect(failed.text).toContain('Key rotation was not paused (the rotator still runs)');
    expect(rotator().desired).toBe(1);
    expect(await pauses().get('ai.coder.com')).toBeUndefined();
    await sandbox.slack.settle();
  });
});
