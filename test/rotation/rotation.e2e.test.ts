import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsbot } from '../../src/app/start-opsbot.js';
import { PauseStore } from '../../src/changes/rotation/pause-store.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { revertJobId } from '../../src/plans/plan-job-names.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import {
  buttonsOf,
  deployment,
  ephemeralsFor,
  planFor,
  startTestSandbox,
  threadOf,
  until,
} from '../scale/e2e-kit.js';

let sandbox: Sandbox;
/** Runs a delayed job now (a real BullMQ call on the bot's queue), instead of waiting for its time. */
async function promote(jobId: string): Promise<void> {
  const queue = new Queue('ops', { connection: sandbox.bot!.deps.redis, prefix: sandbox.bot!.deps.prefix });
  try {
    await (await queue.getJob(jobId))!.promote();
  } finally {
    await queue.close();
  }
}
const rotator = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm-key-rotator');
const all = (m: { text: string; blocks?: unknown }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('/rotation', () => {
  it('refuses a pause longer than the inventory allows, and warns when a rotation falls due inside it', async () => {
    const refused = await sandbox.slack.command('operator', '/rotation pause --for 13h');
    expect(refused.text).toContain('A pause of 13h is longer than the 12h ai.coder.com allows');
    expect(refused.text).toContain('Nothing was done');
    // The seeded Secret was rotated a little while ago: the next rotation is 4–5 h after it.
    const long = await planFor(sandbox, 'operator', '/rotation pause --for 10h');
    expect(all(long)).toContain('A key rotation is due');
    expect(all(long)).toContain('before this pause ends');
    expect(all(long)).toContain('Last rotation: <!date^');
    const short = await planFor(sandbox, 'operator', '/rotation pause --for 30m');
    expect(all(short)).not.toContain('A key rotation is due');
    await sandbox.slack.press('operator', long, 'plan.cancel');
    await sandbox.slack.press('operator', short, 'plan.cancel');
    await sandbox.slack.settle();
    expect(rotator().desired).toBe(1);
  });

  it('pauses, reminds with Extend / Resume now, extends and resumes', async () => {
    const plan = await planFor(sandbox, 'operator', '/rotation pause --for 1h --reason "workshop"');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    expect(rotator().desired).toBe(0);
    expect(sandbox.sim.kube.control.rotateKey()).toBe(false); // a paused rotator rotates nothing

    await sandbox.slack.command('viewer', '/rotation status');
    await sandbox.slack.command('viewer', '/ops status');
    await sandbox.slack.settle();
    const status = ephemeralsFor(sandbox, 'viewer').join('\n');
    expect(status).toContain('Key rotation is *paused*');
    expect(status).toContain(`by <@${sandbox.slack.user('operator')}>: workshop`);
    expect(status).toContain('Scheduled resume: <!date^');
    expect(status).toContain(
      `Key rotation paused by <@${sandbox.slack.user('operator')}> (workshop), resumes <!date^`,
    );

    // The reminder is due 15 min before the end: bring it forward instead of waiting.
    const pauses = new PauseStore(sandbox.bot!.deps.redis, sandbox.bot!.deps.prefix);
    const paused = (await pauses.get('ai.coder.com'))!;
    await promote(paused.reminderJobId!);
    const reminder = await sandbox.slack.waitFor((m) =>
      buttonsOf(m).some((b) => b.action_id === 'rotation.extend'),
    );
    expect(reminder.thread_ts).toBe(plan.ts);
    expect(reminder.text).toContain('Key rotation in ai.coder.com resumes');
    expect(buttonsOf(reminder).map((b) => b.action_id)).toEqual(['rotation.extend', 'rotation.resume']);

    // Extending is changing: Extend makes a plan that a second person approves.
    const planId = /p-[0-9a-f]+/.exec(plan.text)![0];
    const originalEnd = paused.until;
    const originalRevert = (await sandbox.bot!.deps.plans.get(planId))!.revertAt!;
    await sandbox.slack.press('operator2', reminder, 'rotation.extend');
    const extension = await sandbox.slack.waitFor(
      (m) =>
        m.text.includes('extend the key rotation pause') &&
        buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
    );
    expect(extension.thread_ts).toBe(plan.ts);
    await sandbox.slack.press('operator2', extension, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.text.includes('needs a second person'));
    expect((await pauses.get('ai.coder.com'))!.until).toBe(originalEnd);
    await sandbox.slack.press('operator', extension, 'plan.approve');
    await sandbox.slack.waitFor((m) =>
      m.text.includes('Applied and verified: extend the key rotation pause'),
    );
    // The resume moved with the extension: the old one is gone, the new one waits for the new end.
    const newEnd = originalEnd + 3_600_000;
    expect((await pauses.get('ai.coder.com'))!.until).toBe(newEnd);
    expect((await sandbox.bot!.deps.plans.get(planId))!.revertAt).toBe(newEnd);
    expect(await sandbox.bot!.deps.queue.jobs.get(revertJobId(planId, originalRevert))).toBeUndefined();
    expect((await sandbox.bot!.deps.queue.jobs.get(revertJobId(planId, newEnd)))?.state).toBe('delayed');
    expect(rotator().desired).toBe(0);

    await sandbox.slack.press('operator', reminder, 'rotation.resume');
    await until(() => rotator().desired === 1 && rotator().ready === 1);
    await sandbox.slack.settle();
    const thread = threadOf(sandbox, plan)
      .map((m) => m.text)
      .join('\n');
    expect(thread).toContain('resumes key rotation now');
    expect(thread).toContain('Applied and verified: resume key rotation');
    expect(sandbox.sim.kube.control.rotateKey()).toBe(true);
  });

  it('viewers cannot press Extend', async () => {
    const reminder = sandbox.slack
      .messages()
      .find((m) => buttonsOf(m).some((b) => b.action_id === 'rotation.extend'))!;
    const reply = await sandbox.slack.press('viewer', reminder, 'rotation.extend');
    expect(reply.status).toBe(200);
    await sandbox.slack.waitFor((m) => m.text.includes('Only operators and admins may extend a pause'));
  });

  it('resumes by itself after the bot restarts', async () => {
    const plan = await planFor(sandbox, 'operator', '/rotation pause --for 3s');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    expect(rotator().desired).toBe(0);
    await sandbox.bot!.stop();
    const next = await startOpsbot({
      config: loadConfig(sandbox.botEnv),
      environments: await loadInventory('infra'),
      clock: sandbox.sim.clock,
      awsCredentials: async () => ({
        accessKeyId: sandbox.state.aws.accessKeyId,
        secretAccessKey: sandbox.state.aws.secretAccessKey,
      }),
      host: '127.0.0.1',
    });
    try {
      await until(() => rotator().desired === 1, 15_000);
      await sandbox.slack.waitFor(
        (m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified: resume key rotation'),
      );
    } finally {
      await next.stop();
    }
  });
});
