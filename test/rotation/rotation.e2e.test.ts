import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsbot } from '../../src/app/start-opsbot.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
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
    const plan = await planFor(sandbox, 'operator', '/rotation pause --for 4s --reason "workshop"');
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

    const reminder = await sandbox.slack.waitFor((m) =>
      buttonsOf(m).some((b) => b.action_id === 'rotation.extend'),
    );
    expect(reminder.thread_ts).toBe(plan.ts);
    expect(reminder.text).toContain('Key rotation in ai.coder.com resumes');
    expect(buttonsOf(reminder).map((b) => b.action_id)).toEqual(['rotation.extend', 'rotation.resume']);
    await sandbox.slack.press('operator2', reminder, 'rotation.extend');
    await sandbox.slack.waitFor((m) => m.text.includes('extended the key rotation pause to'));
    // Past the original end: still paused, because the resume moved with the extension.
    await new Promise((r) => setTimeout(r, 4500));
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
