import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PauseStore } from '../../src/changes/rotation/pause-store.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { deployment, planFor, requestJobs, startTestSandbox } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
const rotator = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm-key-rotator');

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('/rotation pause --until', () => {
  it('refuses an impossible clock time and a time in the past in the ack, queueing nothing', async () => {
    const jobs = await requestJobs(sandbox);
    const clock = await sandbox.slack.command('operator', '/rotation pause --until 25:00');
    expect(clock.text).toContain('give a time as HH:MM (UTC, 00:00–23:59)');
    const past = await sandbox.slack.command('operator', '/rotation pause --until 2020-01-01T00:00Z');
    expect(past.text).toContain('is in the past');
    expect(past.text).toContain('Nothing was done');
    expect(await requestJobs(sandbox)).toBe(jobs);
  });

  it('keeps the end it was given, however long approval takes', async () => {
    // Whole minutes, as a person types them: two hours from now.
    const until = Math.ceil((sandbox.sim.clock.now() + 2 * 3_600_000) / 60_000) * 60_000;
    const iso = new Date(until).toISOString().slice(0, 16);
    const plan = await planFor(sandbox, 'operator', `/rotation pause --until ${iso}Z`);
    expect(plan.text).toContain(`until ${iso.replace('T', ' ')} UTC`);
    // The approver gets to it ten minutes later: the pause still ends when it was asked to.
    sandbox.sim.clock.advance(10 * 60_000);
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified'));
    expect(rotator().desired).toBe(0);
    const id = /p-[0-9a-f]+/.exec(plan.text)![0];
    expect((await sandbox.bot!.deps.plans.get(id))!.revertAt).toBe(until);
    const pause = await new PauseStore(sandbox.bot!.deps.redis, sandbox.bot!.deps.prefix).get('ai.coder.com');
    expect(pause?.until).toBe(until);
  });
});
