import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-entry.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import { postInteraction } from '../../src/sandbox/slack/send-to-bot.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';

const DAY = 86_400_000;
let sandbox: Sandbox;
let inventory: string;

/**
 * The repository's inventory with coderdemo.io's operators in a group nobody in the sandbox is in: the
 * sandbox's operator holds a role in ai.coder.com only, its admin in both.
 */
async function writeInventory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-form-inventory-'));
  await mkdir(join(dir, 'environments'));
  await copyFile('infra/environments/ai.coder.com.yaml', join(dir, 'environments/ai.coder.com.yaml'));
  const demo = await readFile('infra/environments/coderdemo.io.yaml', 'utf8');
  const split = demo.replace(
    'operator: { usergroups: [S0OPSONCALL] }',
    'operator: { usergroups: [S0DEMOONCALL] }',
  );
  if (split === demo) throw new Error('coderdemo.io.yaml no longer names S0OPSONCALL as its operators');
  await writeFile(join(dir, 'environments/coderdemo.io.yaml'), split);
  return dir;
}

beforeAll(async () => {
  inventory = await writeInventory();
  sandbox = (await startE2E({ inventoryDir: inventory, logLevel: 'warn' })).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
  await rm(inventory, { recursive: true, force: true });
});

/** Polls an async condition (no fixed sleeps): audit lines are written after the ack. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const prepJobs = async () =>
  (await sandbox.bot!.deps.queue.jobs.recent(1000)).filter((j) => j.name === 'workshop.prep');

/** The audit line of `workshop.prep` whose detail matches, once written. */
const auditOf = (detail: RegExp): Promise<AuditRecord> =>
  eventually(async () => {
    const [hit] = await sandbox.bot!.deps.audit.latestMatching(
      1,
      (e) => e.action === 'workshop.prep' && detail.test(e.detail),
    );
    return hit;
  });

/** `/workshop prep` as `role`; the modal it opened. */
async function openForm(role: string): Promise<RecordedMessage> {
  const before = sandbox.slack.lastModal(role)?.seq ?? 0;
  const ack = await sandbox.slack.command(role, '/workshop prep');
  expect(ack.status).toBe(200);
  expect(ack.body).toBe('');
  const modal = sandbox.slack.lastModal(role);
  expect(modal?.seq ?? 0).toBeGreaterThan(before);
  return modal!;
}

function isoIn(ms: number): string {
  const at = Math.ceil((sandbox.sim.clock.now() + ms) / 60_000) * 60_000;
  return `${new Date(at).toISOString().slice(0, 16)}Z`;
}

const envOptions = (modal: RecordedMessage): string[] => {
  const env = (modal.view!.blocks as { block_id: string; element: { options: { value: string }[] } }[]).find(
    (b) => b.block_id === 'env',
  );
  return env!.element.options.map((o) => o.value);
};

describe('/workshop prep with no arguments opens a form', () => {
  it('opens the modal for an operator, offering the environments they may prepare in', async () => {
    const modal = await openForm('operator');
    expect(modal.view).toMatchObject({
      type: 'modal',
      callback_id: 'workshop.prep',
      title: { text: 'Prepare a workshop' },
    });
    const blocks = modal.view!.blocks as { block_id: string; type: string }[];
    expect(blocks.map((b) => b.block_id)).toEqual(['users', 'start', 'duration', 'name', 'env']);
    expect(blocks.every((b) => b.type === 'input')).toBe(true);
    expect(JSON.parse(String(modal.view!.private_metadata))).toEqual({
      channel: sandbox.state.slack.channelId,
      env: 'ai.coder.com',
    });
    expect(envOptions(modal)).toEqual(['ai.coder.com']);
    // An admin of both environments gets both, the channel's first.
    expect(envOptions(await openForm('admin'))).toEqual(['ai.coder.com', 'coderdemo.io']);
    await auditOf(/^form opened$/);
  });

  it('refuses a viewer as the command does, and opens nothing', async () => {
    const ack = await sandbox.slack.command('viewer', '/workshop prep');
    expect(ack.text).toContain('needs the *operator* role; you are viewer. Nothing was done.');
    expect(sandbox.slack.lastModal('viewer')).toBeUndefined();
  });

  it('says so when Slack refuses to open it (the trigger_id expired on the way)', async () => {
    const fields = sandbox.sim.slack.newSlashCommand({
      command: '/workshop',
      text: 'prep',
      userId: sandbox.state.slack.users.operator!,
      channelId: sandbox.state.slack.channelId,
    });
    sandbox.sim.clock.advance(3_500);
    const before = sandbox.slack.lastModal('operator')?.seq;
    const ack = await sandbox.slack.command('operator', '/workshop prep', { fields });
    expect(ack.text).toContain('Could not open the form (Slack said expired_trigger_id). Nothing was done');
    expect(ack.text).toContain('`/workshop prep &lt;users&gt; &lt;start&gt;');
    expect(sandbox.slack.lastModal('operator')?.seq).toBe(before);
    await auditOf(/^form not opened: Slack said expired_trigger_id$/);
  });

  it('answers bad fields with field errors and queues nothing', async () => {
    const modal = await openForm('operator');
    const jobsBefore = new Set((await prepJobs()).map((j) => j.id));
    const tooMany = await sandbox.slack.submitView('operator', modal, {
      users: '600',
      start: 'next blursday',
    });
    expect(tooMany.status).toBe(200);
    expect(tooMany.ms).toBeLessThan(3000);
    expect(tooMany.action).toBe('errors');
    const errors = tooMany.action === 'errors' ? tooMany.errors : {};
    expect(errors.users).toContain('600 users is more than ai.coder.com takes');
    expect(errors.start).toContain('"next blursday" is not a start time I can read.');
    expect(Object.keys(errors).sort()).toEqual(['start', 'users']);
    // What Slack's number field would not let through, sent anyway (an old client, a hand-made request).
    const notANumber = await sandbox.slack.submitView(
      'operator',
      modal,
      { users: 'thirty', start: 'tomorrow 16:00', name: 'Bad Name' },
      { unchecked: true },
    );
    expect(notANumber.action === 'errors' && notANumber.errors).toEqual({
      users: 'Users must be a whole number',
      name: 'A workshop name is lowercase letters, digits and dashes (up to 40): try `bad-name`',
    });
    const audit = await auditOf(/thirty|Users must be/);
    expect(audit).toMatchObject({ outcome: 'invalid', actor: sandbox.state.slack.users.operator });
    // No new job (finished ones may be cleaned meanwhile, so compare ids, not counts).
    expect((await prepJobs()).filter((j) => !jobsBefore.has(j.id))).toEqual([]);
  });

  it('queues one workshop.prep job for a good submission, however often it is sent, and the preview appears', async () => {
    const modal = await openForm('operator');
    const values = { users: '12', start: isoIn(3 * DAY), duration: '3h', name: 'formshop' };
    // A double click: two submissions of the same view before the first answer closes it.
    const [first, second] = await Promise.all([
      sandbox.slack.submitView('operator', modal, values),
      sandbox.slack.submitView('operator', modal, values),
    ]);
    expect([first.action, second.action]).toEqual(['close', 'close']);
    const preview = await sandbox.slack.waitFor(
      (m) => m.channel === sandbox.state.slack.channelId && m.text.startsWith('Workshop formshop'),
      30_000,
    );
    expect(JSON.stringify(preview.blocks)).toContain('Timeline');
    const jobs = (await prepJobs()).filter((j) => j.id?.startsWith('form-'));
    expect(jobs).toHaveLength(1);
    // Audited as the command is: the first requested, the second found it queued already.
    const audited = await eventually(async () => {
      const found = await sandbox.bot!.deps.audit.latestMatching(
        2,
        (e) => e.action === 'workshop.prep' && /formshop.*\(form\)$/.test(e.detail),
      );
      return found.length === 2 ? found : undefined;
    });
    expect(audited.map((e) => e.outcome).sort()).toEqual(['duplicate', 'requested']);
    for (const entry of audited)
      expect(entry).toMatchObject({
        environment: 'ai.coder.com',
        channel: sandbox.state.slack.channelId,
        jobId: jobs[0]!.id,
        detail: `prep 12 ${values.start} --duration 3h --name formshop (form)`,
      });
    // The modal is closed now: Slack would not send it again.
    expect(() =>
      sandbox.sim.slack.newViewSubmission({
        viewId: String(modal.view!.id),
        userId: sandbox.state.slack.users.operator!,
        values,
      }),
    ).toThrow(/is closed/);
  });

  it('tells the requester in the channel when the job refuses what only it can judge (a start in the past)', async () => {
    const modal = await openForm('operator');
    const past = await sandbox.slack.submitView('operator', modal, {
      users: '5',
      start: '2020-01-01T10:00Z',
    });
    expect(past.action).toBe('close');
    const told = await sandbox.slack.waitFor(
      (m) =>
        m.via === 'chat.postEphemeral' &&
        m.user === sandbox.state.slack.users.operator &&
        /in the past/.test(m.text),
      30_000,
    );
    expect(told.channel).toBe(sandbox.state.slack.channelId);
  });

  it('answers a submission of a form nobody listens for at once, closing it', async () => {
    const modal = await openForm('operator');
    const payload = sandbox.sim.slack.newViewSubmission({
      viewId: String(modal.view!.id),
      userId: sandbox.state.slack.users.operator!,
      values: { users: '5', start: 'tomorrow 16:00' },
    }) as { view: Record<string, unknown> };
    payload.view.callback_id = 'someone.else';
    const reply = await postInteraction(
      sandbox.state.slack.eventsUrl,
      sandbox.state.slack.signingSecret,
      payload,
    );
    expect(reply).toMatchObject({ status: 200, body: '' });
    expect(reply.ms).toBeLessThan(1000);
  });

  it('refuses forged metadata naming a channel or environment the user has no role in', async () => {
    const jobsBefore = new Set((await prepJobs()).map((j) => j.id));
    const values = { users: '5', start: isoIn(2 * DAY), name: 'forged' };
    const otherChannel = await sandbox.slack.submitView('operator', await openForm('operator'), values, {
      privateMetadata: JSON.stringify({ channel: sandbox.state.slack.otherChannelId, env: 'ai.coder.com' }),
    });
    expect(otherChannel.action === 'errors' && otherChannel.errors).toEqual({
      env: 'opsbot prepares workshops only from its ops channel; nothing was done.',
    });
    // coderdemo.io's own ops channel, where this operator holds no role.
    const demoChannel = sandbox.bot!.deps.environments.get('coderdemo.io')!.slack.opsChannels[0]!;
    const noRole = await sandbox.slack.submitView('operator', await openForm('operator'), values, {
      privateMetadata: JSON.stringify({ channel: demoChannel, env: 'coderdemo.io' }),
    });
    expect(noRole.action === 'errors' && noRole.errors.env).toBe(
      'Preparing a workshop in coderdemo.io needs the operator role; you have no opsbot role there. Nothing was done.',
    );
    // The environment menu forged instead: an option the form never offered.
    const notOffered = await sandbox.slack.submitView(
      'operator',
      await openForm('operator'),
      { ...values, env: 'coderdemo.io' },
      { unchecked: true },
    );
    expect(notOffered.action === 'errors' && notOffered.errors.env).toContain(
      'Preparing a workshop in coderdemo.io needs the operator role',
    );
    const denied = await eventually(async () => {
      const found = await sandbox.bot!.deps.audit.latestMatching(
        3,
        (e) => e.action === 'workshop.prep' && e.outcome === 'denied',
      );
      return found.length === 3 ? found : undefined;
    });
    expect(denied.map((e) => e.detail).sort()).toEqual([
      'role none < operator in coderdemo.io',
      'role none < operator in coderdemo.io',
      'wrong channel',
    ]);
    // No new job (finished ones may be cleaned meanwhile, so compare ids, not counts).
    expect((await prepJobs()).filter((j) => !jobsBefore.has(j.id))).toEqual([]);
  });
});
