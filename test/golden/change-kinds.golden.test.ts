import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftDelayedJobs } from '../../src/sandbox/shift-delayed-jobs.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { startE2E } from '../support/start-e2e.js';
import { expectGolden, hasButton, latest, mark, messageShot, next } from './golden-kit.js';

// Plans of every change kind besides /scale (DNS, incident mode, the ops notice, rotation pause and its
// reminder, extension and resume, the image mirror), each message picked out by what it says.
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = (await startE2E({ logLevel: 'warn' })).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});

const shot = (m: RecordedMessage) => messageShot(sandbox, m);
const ops = () => sandbox.state.slack.channelId;
const planIdOf = (m: RecordedMessage) => /p-[0-9a-f]{12}/.exec(m.text)![0];
const inThreadOf = (p: RecordedMessage) => (m: RecordedMessage) => m.thread_ts === p.ts;
const isResult = (m: RecordedMessage) => hasButton(m, 'plan.undo');
const ephemeralTo = (role: string) => (m: RecordedMessage) =>
  m.via === 'chat.postEphemeral' && m.user === sandbox.slack.user(role);

/** Posts a plan as `role` and returns its first message (pending with Approve, or incident mode). */
async function plan(role: string, line: string, pred = (m: RecordedMessage) => hasButton(m, 'plan.approve')) {
  const after = mark(sandbox);
  const ack = await sandbox.slack.command(role, line);
  // Most plans are planned from the ack; `/dns sync` and `/dns rollback` are jobs that plan.
  if (!/Planning|Queued/.test(ack.text)) throw new Error(`not planned: ${ack.text}`);
  // In the ops channel: the audit channel repeats the plan's summary as it is requested.
  return next(sandbox, after, (m) => m.via === 'chat.postMessage' && m.channel === ops() && pred(m));
}

/** Approves `p` as `role` and waits for its result (with Undo) in the plan's thread. */
async function approve(role: string, p: RecordedMessage): Promise<RecordedMessage> {
  const after = mark(sandbox);
  await sandbox.slack.press(role, p, 'plan.approve');
  const thread = p.thread_ts ?? p.ts;
  const result = await next(sandbox, after, (m) => m.thread_ts === thread && isResult(m));
  await sandbox.slack.settle();
  return result;
}

async function advance(ms: number): Promise<void> {
  sandbox.sim.clock.advance(ms);
  await shiftDelayedJobs(sandbox.bot!.deps.redis, sandbox.bot!.deps.prefix, ms);
}

describe('DNS', () => {
  let update: RecordedMessage;

  it('an update: plan, result, and a rollback plan in its thread', async () => {
    update = await plan(
      'operator',
      '/dns update status.ai.coder.com A 34.117.5.9 --ttl 60 --reason "status page"',
    );
    await expectGolden('plan-dns-pending', shot(update));
    await expectGolden('plan-dns-result', shot(await approve('operator2', update)));
    const after = mark(sandbox);
    const rollback = await plan('operator', `/dns rollback ${planIdOf(update)}`, inThreadOf(update));
    await expectGolden('dns-rollback-planning', shot(await next(sandbox, after, ephemeralTo('operator'))));
    await expectGolden('plan-dns-rollback-pending', shot(rollback));
    await sandbox.slack.press('operator', rollback, 'plan.cancel');
    await sandbox.slack.settle();
  });

  it('incident mode: posted approved, applied at once, the waiver said in the channel', async () => {
    const incident = await plan(
      'operator',
      '/dns update ai.coder.com CNAME ai-coder-dr.elb.us-west-2.amazonaws.com --incident --reason "us-east-2 NLB down"',
      (m) => m.text.includes('ai-coder-dr'),
    );
    await expectGolden('plan-incident-posted', shot(incident));
    const result = await next(sandbox, 0, (m) => inThreadOf(incident)(m) && isResult(m));
    await sandbox.slack.settle();
    await expectGolden('plan-incident-applied', shot(latest(sandbox, incident)));
    await expectGolden('plan-incident-result', shot(result));
  });

  it('a sync of drifted records back to the inventory', async () => {
    const sync = await plan('operator', '/dns sync --reason "after the outage"');
    await expectGolden('plan-dns-sync-pending', shot(sync));
    await sandbox.slack.press('operator', sync, 'plan.cancel');
    await sandbox.slack.settle();
  });
});

describe('the ops notice', () => {
  it('a flag change, shown as before and after', async () => {
    const notice = await plan(
      'operator',
      '/ops notice "Workshop 16:00–18:00 UTC: no changes without the on-call"',
    );
    await expectGolden('plan-notice-pending', shot(notice));
    await approve('operator2', notice);
    await expectGolden('plan-notice-applied', shot(latest(sandbox, notice)));
    // Shown in /ops status, as the help of /ops notice promises.
    const after = mark(sandbox);
    await sandbox.slack.command('viewer', '/ops status');
    const status = await next(
      sandbox,
      after,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Status of'),
    );
    expect(status.text).toContain(
      ':loudspeaker: *Ops notice:* Workshop 16:00–18:00 UTC: no changes without the on-call',
    );
  });
});

describe('a rotation pause', () => {
  let pause: RecordedMessage;
  let reminder: RecordedMessage;

  it('plan, applied, and /rotation status while paused', async () => {
    pause = await plan('operator', '/rotation pause --for 1h --reason "workshop"');
    await expectGolden('plan-rotation-pause-pending', shot(pause));
    await expectGolden('plan-rotation-pause-result', shot(await approve('operator2', pause)));
    await expectGolden('plan-rotation-pause-applied', shot(latest(sandbox, pause)));
    const after = mark(sandbox);
    await sandbox.slack.command('viewer', '/rotation status');
    const status = await next(
      sandbox,
      after,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('*Key rotation'),
    );
    await expectGolden('rotation-status-paused', shot(status));
  });

  it('the reminder before it ends offers Extend and Resume now', async () => {
    const after = mark(sandbox);
    await advance(46 * 60_000);
    reminder = await next(sandbox, after, (m) => hasButton(m, 'rotation.extend'));
    await expectGolden('rotation-reminder', shot(reminder));
  });

  it('Extend is a plan of its own, approved by a second person', async () => {
    const after = mark(sandbox);
    await sandbox.slack.press('operator2', reminder, 'rotation.extend');
    const extension = await next(sandbox, after, (m) => inThreadOf(pause)(m) && hasButton(m, 'plan.approve'));
    await expectGolden('plan-rotation-extend-pending', shot(extension));
    await expectGolden('plan-rotation-extend-result', shot(await approve('operator', extension)));
  });

  it('Resume now runs the pause’s own resume', async () => {
    const after = mark(sandbox);
    await sandbox.slack.press('operator', reminder, 'rotation.resume');
    const said = await next(
      sandbox,
      after,
      (m) => inThreadOf(pause)(m) && m.text.includes('resumes key rotation now'),
    );
    await expectGolden('rotation-resume-now', shot(said));
    const resume = await next(
      sandbox,
      after,
      (m) => inThreadOf(pause)(m) && m.text.startsWith('Revert of plan'),
    );
    const result = await next(sandbox, after, (m) => inThreadOf(pause)(m) && isResult(m));
    await sandbox.slack.settle();
    await expectGolden('plan-rotation-resume', shot(latest(sandbox, resume)));
    await expectGolden('plan-rotation-resume-result', shot(result));
  });
});

describe('a scheduled revert that cannot run', () => {
  it('says so in the thread, and what it tidied', async () => {
    const pause = await plan('operator', '/rotation pause --for 1h --reason "maintenance"');
    await approve('operator2', pause);
    // Someone starts the rotator by hand before the pause ends: the resume finds nothing to resume.
    sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm-key-rotator', 1);
    const after = mark(sandbox);
    await advance(61 * 60_000);
    const refused = await next(sandbox, after, (m) => inThreadOf(pause)(m) && m.text.includes('did not run'));
    await expectGolden('revert-refused', shot(refused));
    await sandbox.slack.settle();
  });
});

describe('the image mirror', () => {
  it('status names a stale mirror; sync copies with progress and verifies', async () => {
    await control(sandbox, 'images/push', { image: 'coder' });
    const after = mark(sandbox);
    await sandbox.slack.command('viewer', '/images status');
    const status = await next(
      sandbox,
      after,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('*Images in'),
    );
    await expectGolden('images-status-stale', shot(status));
    const sync = await plan('operator', '/images sync');
    await expectGolden('plan-images-sync-pending', shot(sync));
    const result = await approve('operator2', sync);
    const progress = sandbox.slack.messages().find((m) => inThreadOf(sync)(m) && m.text.includes('Copying'))!;
    await expectGolden('images-copy-progress', shot(progress));
    await expectGolden('images-copy-complete', shot(latest(sandbox, progress)));
    await expectGolden('plan-images-sync-result', shot(result));
  });

  it('pods behind the build ECR serves: status says to restart; --restart plans the restart alone', async () => {
    // Synced above without --restart: ECR has the source's build, every Coder pod still runs the old one.
    const after = mark(sandbox);
    await sandbox.slack.command('viewer', '/images status');
    const status = await next(
      sandbox,
      after,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('*Images in'),
    );
    await expectGolden('images-status-behind', shot(status));
    const restart = await plan('operator', '/images sync coder --restart');
    await expectGolden('plan-images-restart-pending', shot(restart));
    // No Undo button on this result (nothing to restore): picked out by its headline instead.
    const approved = mark(sandbox);
    await sandbox.slack.press('operator2', restart, 'plan.approve');
    const result = await next(
      sandbox,
      approved,
      (m) => inThreadOf(restart)(m) && m.text.startsWith(':white_check_mark: Applied'),
    );
    await sandbox.slack.settle();
    await expectGolden('plan-images-restart-result', shot(result));
  });
});
