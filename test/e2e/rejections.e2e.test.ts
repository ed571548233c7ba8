import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSlashCommand } from '../../src/sandbox/slack/send-to-bot.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { requestJobs } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = (await startE2E()).sandbox;
});
afterAll(async () => {
  await sandbox.close();
});

/** Jobs requests made (the schedulers' own jobs, such as the minute's plan sweep, left out). */
function jobCount(): Promise<number> {
  return requestJobs(sandbox);
}

async function latestAudit() {
  return (await sandbox.bot!.deps.audit.latest(1))[0];
}

describe('refusals: each answered plainly, audited, and nothing queued', () => {
  it('refuses a forged signature and a stale timestamp with 401', async () => {
    const before = await jobCount();
    const fields = sandbox.sim.slack.newSlashCommand({
      command: '/ops',
      text: 'status',
      userId: sandbox.state.slack.users.admin!,
      channelId: sandbox.state.slack.channelId,
    });
    const forged = await postSlashCommand(sandbox.state.slack.eventsUrl, 'not-the-signing-secret', fields);
    expect(forged.status).toBe(401);
    expect(await latestAudit()).toMatchObject({ action: 'request.verify', outcome: 'denied' });
    expect((await latestAudit())?.detail).toMatch(/^bad-signature/);
    const stale = await postSlashCommand(
      sandbox.state.slack.eventsUrl,
      sandbox.state.slack.signingSecret,
      fields,
      {
        timestampSec: Math.floor(Date.now() / 1000) - 6 * 60,
      },
    );
    expect(stale.status).toBe(401);
    expect((await latestAudit())?.detail).toMatch(/^stale-timestamp/);
    expect(await jobCount()).toBe(before);
  });

  it.each([
    [
      'a channel other than the ops channel',
      'operator',
      '/ops status',
      'other',
      /opsbot takes commands only in its ops channel/,
      'wrong channel',
    ],
    [
      'a user with no role',
      'outsider',
      '/ops status',
      'ops',
      /needs the \*viewer\* role; you have no opsbot role in ai\.coder\.com/,
      'role none < viewer',
    ],
    [
      'a viewer asking for a change',
      'viewer',
      '/ops notice maintenance tonight',
      'ops',
      // `<` and `>` are escaped as Slack requires (`&lt;` renders as `<`).
      /`\/ops notice &lt;text&gt; \| clear` needs the \*operator\* role; you are viewer/,
      'role viewer < operator',
    ],
    [
      'malformed arguments',
      'operator',
      '/ops audit 500',
      'ops',
      /n must be at most 50\.\nUsage: `\/ops audit \[n\] \[--changes\]/,
      'n must be at most 50',
    ],
    [
      'a mistyped flag (the suggestion ends the sentence: no "?.")',
      'operator',
      '/ops audit 5 --chnages',
      'ops',
      /unknown flag --chnages — did you mean --changes\?\nUsage: `\/ops audit/,
      'unknown flag --chnages',
    ],
    [
      'an unknown subcommand',
      'operator',
      '/ops reboot',
      'ops',
      /unknown subcommand "reboot" for \/ops/,
      'unknown subcommand',
    ],
  ])('refuses %s', async (_what, role, line, where, message, detail) => {
    const before = await jobCount();
    const channel = where === 'other' ? sandbox.state.slack.otherChannelId : sandbox.state.slack.channelId;
    const ack = await sandbox.slack.command(role, line, { channel });
    expect(ack.status).toBe(200);
    expect(ack.text).toMatch(message);
    expect(ack.text).toMatch(/Nothing was done|Usage|known:/);
    const entry = await latestAudit();
    expect(entry).toMatchObject({ actor: sandbox.state.slack.users[role], channel });
    expect(['denied', 'invalid']).toContain(entry?.outcome);
    expect(entry?.detail).toContain(detail);
    expect(await jobCount()).toBe(before);
  });
});

describe('exactly once', () => {
  it('a Slack retry of the same command makes one job and one answer', async () => {
    const fields = sandbox.sim.slack.newSlashCommand({
      command: '/ops',
      text: 'status',
      userId: sandbox.state.slack.users.viewer!,
      channelId: sandbox.state.slack.channelId,
    });
    const first = await sandbox.slack.command('viewer', '/ops status', { fields });
    const retry = await sandbox.slack.command('viewer', '/ops status', { fields, retryNum: 1 });
    const jobId = /as job `([^`]+)`/.exec(first.text)![1]!;
    expect(retry.text).toContain(`Already queued \`/ops status\` as job \`${jobId}\``);
    await sandbox.slack.settle();
    const answers = sandbox.slack
      .messages()
      .filter(
        (m) =>
          m.via === 'chat.postEphemeral' &&
          m.user === sandbox.state.slack.users.viewer &&
          m.text.startsWith('Status of'),
      );
    expect(answers).toHaveLength(1);
  });

  it('a double-clicked Approve applies the change once', async () => {
    await sandbox.slack.command('operator', '/ops notice change freeze until 18:00');
    await sandbox.slack.settle();
    const plan = sandbox.slack.messages().findLast(
      // The audit channel repeats the plan's summary; the buttons are on the ops channel's copy.
      (m) =>
        m.via === 'chat.postMessage' &&
        m.channel === sandbox.state.slack.channelId &&
        m.text.includes('set flag `notice`'),
    )!;
    expect(plan).toBeDefined();
    const [a, b] = await Promise.all([
      sandbox.slack.press('operator2', plan, 'plan.approve'),
      sandbox.slack.press('operator2', plan, 'plan.approve'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await sandbox.slack.settle();
    const applied = sandbox.slack
      .messages()
      .filter((m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified'));
    expect(applied).toHaveLength(1);
    const writes = await sandbox.bot!.deps.redis.lrange(
      `${sandbox.botEnv.REDIS_PREFIX}:flags:history`,
      0,
      -1,
    );
    expect(writes).toHaveLength(1);
  });
});
