import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportJobFailure } from '../../src/app/report-job-failure.js';
import type { AuditRecord } from '../../src/audit/audit-entry.js';
import { planIdFor } from '../../src/plans/plan-id.js';
import { shiftDelayedJobs } from '../../src/sandbox/shift-delayed-jobs.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { current, planFor, startTestSandbox, until } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
const shown = (m: { text: string; blocks?: unknown }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
const planIdOf = (m: RecordedMessage) => /p-[0-9a-f]{12}/.exec(m.text)![0];
const latestOf = (m: RecordedMessage) => current(sandbox).find((c) => c.ts === m.ts)!;
const bot = () => sandbox.bot!.deps;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/** The audit entry that matches, once it is written (acks audit after answering). */
async function auditEntry(match: (e: AuditRecord) => boolean): Promise<AuditRecord> {
  let found: AuditRecord | undefined;
  const deadline = Date.now() + 10_000;
  while (!found && Date.now() < deadline) {
    found = (await bot().audit.latest(50)).find(match);
    if (!found) await new Promise((r) => setTimeout(r, 50));
  }
  if (!found) throw new Error('no such audit entry');
  return found;
}

/** Ephemeral messages to `role` after `seq`. */
const ephemeralsAfter = (role: string, seq: number) =>
  sandbox.slack
    .messages()
    .filter((m) => m.seq > seq && m.via === 'chat.postEphemeral' && m.user === sandbox.slack.user(role));

describe('a plan shows everything being approved', () => {
  it('names the environment and targets, says when a --for change reverts, and pings the approvers', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:demo 4 --for 90m');
    const text = shown(plan);
    expect(text).toContain('in *ai.coder.com*');
    expect(text).toMatch(
      /`provisioners:demo` \([^)]*coder-provisioner-demo\): 2 desired \/ \d+ ready → \*4\*/,
    );
    expect(text).toContain('reverts 1h 30m after it is applied (at <!date^');
    // The operator group is mentioned as rich text (group pings in mrkdwn are escaped on the way out).
    const ping = (plan.blocks ?? []).find((b) => b.type === 'rich_text');
    expect(JSON.stringify(ping)).toContain('"usergroup_id":"S0OPSONCALL"');

    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await until(() => shown(latestOf(plan)).includes('Temporary: reverts automatically <!date^'));
    expect(JSON.stringify(latestOf(plan).blocks)).not.toContain('rich_text'); // decided: nobody to ping
  });

  it('lists by name the targets a broad plan leaves as they are', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale reset all');
    expect(shown(plan)).toMatch(/Already at the requested count, left as they are:_ .*`coder`.*`litellm`/);
    await sandbox.slack.press('operator', plan, 'plan.cancel');
  });

  it('says an incident-mode change is applied now, and shows it on the plan', async () => {
    const ack = await sandbox.slack.command(
      'operator',
      '/dns update incident-e2e.ai.coder.com A 192.0.2.10 --incident --reason "failover"',
    );
    expect(ack.text).toContain('Incident mode: it is applied now, without a second approval');
    const id = planIdFor(/as job `([^`]+)`/.exec(ack.text)![1]!);
    const plan = await sandbox.slack.waitFor(
      (m) =>
        m.via === 'chat.postMessage' && m.channel === sandbox.state.slack.channelId && m.text.includes(id),
    );
    expect(shown(plan)).toContain(':rotating_light: Incident mode: applied at once');
    expect(shown(plan)).toContain('in *ai.coder.com*');
    expect(shown(plan)).toContain('incident-e2e.ai.coder.com');
  });
});

describe('every refusal is audited under the action the user attempted', () => {
  it.each([
    ['operator', '/scale provisioners 3', 'scale.apply', 'requested'],
    ['viewer', '/scale provisioners 3', 'scale.apply', 'denied'],
    ['operator', '/scale provisioners 99', 'scale.apply', 'denied'],
    ['operator', '/scale provisionerz 3', 'scale.apply', 'denied'],
    ['operator', '/scale provisioners lots', 'scale.apply', 'invalid'],
    ['operator', '/dns sync --force', 'dns.sync', 'denied'],
    ['operator', '/dns delete emea-proxy.ai.coder.com CNAME', 'dns.delete', 'denied'],
    // The grammar knows the zones: a name outside them is malformed input.
    ['operator', '/dns update www.example.org A 192.0.2.1', 'dns.update', 'invalid'],
    // …but a zone of another environment is the inventory's refusal.
    ['operator', '/dns update www.coderdemo.io A 192.0.2.1', 'dns.update', 'denied'],
    ['viewer', '/ops notice hello', 'flag.set', 'denied'],
    ['operator', '/ops status --env nowhere.example', 'ops.status', 'denied'],
  ])('%s: %s → %s %s', async (role, line, action, outcome) => {
    const since = Date.now() - 1;
    const ack = await sandbox.slack.command(role, line);
    if (outcome !== 'requested') expect(ack.text).toMatch(/Nothing was done|Usage/);
    const entry = await auditEntry(
      (e) => e.actor === sandbox.slack.user(role) && e.at >= since && e.planId === undefined,
    );
    expect(entry).toMatchObject({ action, outcome, environment: 'ai.coder.com' });
  });
});

describe('user mistakes read as such', () => {
  it('a plan refused for a reason of the user: a warning, audited as refused', async () => {
    const seq = sandbox.slack.messages().at(-1)?.seq ?? 0;
    await sandbox.slack.command('operator', '/scale provisioners:experimental 2');
    await until(() => ephemeralsAfter('operator', seq).length > 0);
    const [note] = ephemeralsAfter('operator', seq);
    expect(note!.text).toMatch(/^:warning: Could not plan that: nothing to change/);
    await auditEntry((e) => e.outcome === 'refused' && e.action === 'scale.apply');
  });

  it('a read job failing on user input: a warning with the advice, not ":x: Job … failed"', async () => {
    const seq = sandbox.slack.messages().at(-1)?.seq ?? 0;
    await sandbox.slack.command('operator', '/dns rollback p-000000000000');
    await until(() => ephemeralsAfter('operator', seq).length > 0);
    const [note] = ephemeralsAfter('operator', seq);
    expect(note!.text).toBe(':warning: There is no plan p-000000000000 (plans are kept for 7 days).');
  });

  it('our own failure: ":x: internal error, ref …"', async () => {
    const seq = sandbox.slack.messages().at(-1)?.seq ?? 0;
    const meta = { requester: sandbox.slack.user('operator'), channel: sandbox.state.slack.channelId };
    await reportJobFailure(
      bot().chat,
      { jobId: 'cmd-e2e', name: 'ops.status', meta },
      { userMessage: 'internal error, ref cmd-e2e', error: new Error('socket hang up') },
    );
    expect(ephemeralsAfter('operator', seq).map((m) => m.text)).toEqual([':x: internal error, ref cmd-e2e']);
  });
});

describe('pending duplicates', () => {
  it('a second plan for a target or record that has a pending plan says so and names it', async () => {
    const first = await planFor(sandbox, 'operator', '/scale litellm 5');
    const second = await planFor(sandbox, 'operator2', '/scale litellm 6');
    expect(shown(second)).toContain(
      `Plan \`${planIdOf(first)}\` for the same target is already waiting for approval in <#${sandbox.state.slack.channelId}>`,
    );
    // Once neither waits, a new plan has nothing to warn about.
    await sandbox.slack.press('operator', first, 'plan.cancel');
    await sandbox.slack.press('operator2', second, 'plan.cancel');
    await until(() => shown(latestOf(second)).includes('Cancelled'));
    const third = await planFor(sandbox, 'operator', '/scale litellm 7');
    expect(shown(third)).not.toContain('for the same target');
    await sandbox.slack.press('operator', third, 'plan.cancel');

    const record = '/dns update dup-e2e.ai.coder.com A 192.0.2.20';
    const a = await planFor(sandbox, 'operator', record);
    const b = await planFor(sandbox, 'operator2', `${record.replace('.20', '.21')}`);
    expect(shown(b)).toContain(`Plan \`${planIdOf(a)}\` for the same target`);
  });
});

describe('plan expiry', () => {
  it('tells the requester, once, when their plan expires', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale coder 3');
    const id = planIdOf(plan);
    const seq = plan.seq;
    sandbox.sim.clock.advance(16 * 60_000);
    await shiftDelayedJobs(bot().redis, bot().prefix, 16 * 60_000);
    await until(() => ephemeralsAfter('operator', seq).some((m) => m.text.includes(id)));
    const note = ephemeralsAfter('operator', seq).find((m) => m.text.includes(id))!;
    expect(note.text).toMatch(
      new RegExp(`^:hourglass: Your plan \`${id}\` \\(scale \`coder\` to 3\\) expired <!date\\^\\d+`),
    );
    expect(note.text).toContain('nothing was changed');
    await until(() => shown(latestOf(plan)).includes('Expired'));
    await sandbox.slack.settle();
    const expiries = (await bot().audit.latest(50)).filter((e) => e.planId === id && e.outcome === 'expired');
    expect(expiries).toHaveLength(1);
    expect(ephemeralsAfter('operator', seq).filter((m) => m.text.includes(id))).toHaveLength(1);
  });
});
