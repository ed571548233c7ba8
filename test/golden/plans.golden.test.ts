import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftDelayedJobs } from '../../src/sandbox/shift-delayed-jobs.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { deployment, until } from '../scale/e2e-kit.js';
import { openHome } from '../support/open-home.js';
import { startE2E } from '../support/start-e2e.js';
import {
  auditLines,
  expectGolden,
  hasButton,
  latest,
  mark,
  messageShot,
  next,
  versionsOf,
} from './golden-kit.js';

// The plan lifecycle, told with /scale: pending, refused clicks, applying, applied with its result and Undo,
// cancelled, expired, failed, applied in part, undone, and reverted on schedule.
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = (await startE2E({ logLevel: 'warn' })).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});

const ops = () => sandbox.state.slack.channelId;
const inOps = (m: RecordedMessage) => m.channel === ops();
const planIdOf = (m: RecordedMessage) => /p-[0-9a-f]{12}/.exec(m.text)![0];
const ephemeralTo = (role: string) => (m: RecordedMessage) =>
  (m.via === 'chat.postEphemeral' || m.via === 'response_url') && m.user === sandbox.slack.user(role);
const shot = (m: RecordedMessage) => messageShot(sandbox, m);

/** Posts a plan as `role` and returns its message (pending, with Approve / Cancel). */
async function plan(role: string, line: string): Promise<RecordedMessage> {
  const after = mark(sandbox);
  const ack = await sandbox.slack.command(role, line);
  if (!ack.text.includes('Planning')) throw new Error(`not planned: ${ack.text}`);
  return next(sandbox, after, (m) => inOps(m) && hasButton(m, 'plan.approve'));
}

/** Presses a button as `role` and returns the ephemeral answer the presser gets. */
async function refusedClick(role: string, m: RecordedMessage, action: string): Promise<RecordedMessage> {
  const after = mark(sandbox);
  await sandbox.slack.press(role, m, action);
  return next(sandbox, after, ephemeralTo(role));
}

/** Moves the simulated clock and the bot's delayed jobs with it (expiry, scheduled reverts). */
async function advance(ms: number): Promise<void> {
  sandbox.sim.clock.advance(ms);
  await shiftDelayedJobs(sandbox.bot!.deps.redis, sandbox.bot!.deps.prefix, ms);
}

const inThreadOf = (p: RecordedMessage) => (m: RecordedMessage) => m.thread_ts === p.ts;

describe('a time-boxed scale plan, from pending to applied', () => {
  let pending: RecordedMessage;

  it('pending: before → after, capacity, temporary, who may approve', async () => {
    pending = await plan('operator', '/scale provisioners 8 --for 3h --reason "workshop"');
    await expectGolden('plan-scale-pending', shot(pending));
  });

  it('refused clicks: the requester (two-person rule) and a viewer', async () => {
    await expectGolden('refusal-two-person', shot(await refusedClick('operator', pending, 'plan.approve')));
    await expectGolden('refusal-button-role', shot(await refusedClick('viewer', pending, 'plan.approve')));
    // A click claiming to come from another channel (a forged or copied button) is refused before anything.
    const elsewhere = { ...pending, channel: sandbox.state.slack.otherChannelId };
    await expectGolden(
      'refusal-button-wrong-channel',
      shot(await refusedClick('operator2', elsewhere, 'plan.approve')),
    );
  });

  it('approved: applying, the rollout followed in the thread, applied, the result with Undo', async () => {
    const after = mark(sandbox);
    await sandbox.slack.press('operator2', pending, 'plan.approve');
    const result = await next(sandbox, after, (m) => inThreadOf(pending)(m) && hasButton(m, 'plan.undo'));
    await sandbox.slack.settle();
    const applying = versionsOf(sandbox, pending, (m) => m.text.endsWith('(applying)'))[0]!;
    await expectGolden('plan-scale-applying', shot(applying));
    await expectGolden('plan-scale-applied', shot(latest(sandbox, pending)));
    const rollout = sandbox.slack
      .messages()
      .find((m) => inThreadOf(pending)(m) && m.text.includes('Rolling out'))!;
    // Its first line ("Rolling out … 6/8 ready") depends on how fast pods start; the stuck rollout below shows it.
    await expectGolden('rollout-complete', shot(latest(sandbox, rollout)));
    await expectGolden('plan-result', shot(result));
    await expectGolden(
      'refusal-plan-already-decided',
      shot(await refusedClick('operator2', pending, 'plan.approve')),
    );
  });

  it('the audit channel follows the plan', async () => {
    const id = planIdOf(pending);
    await expectGolden('audit-mirror-plan', {
      via: 'chat.postMessage',
      where: '#ops-audit (the lines about one plan; lines are batched when a backlog builds)',
      text: auditLines(sandbox)
        .filter((l) => l.includes(id))
        .join('\n'),
    });
  });

  it('Undo plans the inverse in the thread; approved, it reverts the change', async () => {
    const result = sandbox.slack.messages().find((m) => inThreadOf(pending)(m) && hasButton(m, 'plan.undo'))!;
    const after = mark(sandbox);
    await sandbox.slack.press('operator', result, 'plan.undo');
    const undo = await next(sandbox, after, (m) => inThreadOf(pending)(m) && hasButton(m, 'plan.approve'));
    await expectGolden('plan-revert-pending', shot(undo));
    await sandbox.slack.press('operator2', undo, 'plan.approve');
    await next(
      sandbox,
      after,
      (m) => inThreadOf(pending)(m) && m.text.includes('Applied and verified: scale'),
    );
    await sandbox.slack.settle();
    await expectGolden('plan-revert-applied', shot(latest(sandbox, undo)));
    // The original says it was reverted, and by which plan.
    await expectGolden('plan-scale-reverted', shot(latest(sandbox, pending)));
  });
});

describe('plans that are not applied', () => {
  it('cancelled, with App Home listing it while it waited', async () => {
    const coder = await plan('operator', '/scale coder 3');
    await openHome(sandbox, 'operator');
    const home = sandbox.slack.messages().findLast((m) => m.via === 'views.publish')!;
    await expectGolden('app-home-operator', shot(home));
    await sandbox.slack.press('operator', coder, 'plan.cancel');
    await until(() => latest(sandbox, coder).text.endsWith('(cancelled)'));
    await expectGolden('plan-cancelled', shot(latest(sandbox, coder)));
  });

  it('expired: the buttons go, the requester is told, a late Approve is refused', async () => {
    const coder = await plan('operator', '/scale coder 4');
    const after = mark(sandbox);
    await advance(16 * 60_000);
    const notice = await next(sandbox, after, ephemeralTo('operator'));
    await until(() => latest(sandbox, coder).text.endsWith('(expired)'));
    await expectGolden('plan-expired', shot(latest(sandbox, coder)));
    await expectGolden('plan-expired-notice', shot(notice));
    await expectGolden('refusal-plan-expired', shot(await refusedClick('operator2', coder, 'plan.approve')));
  });

  it('failed: someone changed the deployment between plan and apply', async () => {
    const litellm = await plan('operator', '/scale litellm 5');
    sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm', 6);
    const after = mark(sandbox);
    await sandbox.slack.press('operator2', litellm, 'plan.approve');
    const failed = await next(
      sandbox,
      after,
      (m) => inThreadOf(litellm)(m) && m.text.includes('was not applied'),
    );
    await sandbox.slack.settle();
    await expectGolden('plan-failed', shot(latest(sandbox, litellm)));
    await expectGolden('plan-failed-result', shot(failed));
    sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm', 4);
  });

  it('applied in part: one cluster kept failing, the thread says where it stands', async () => {
    sandbox.sim.kube.control.setReplicas('us-west-2', 'coder', 'coder', 3);
    sandbox.sim.kube.control.setReplicas('eu-west-2', 'coder', 'coder', 3);
    await until(() => deployment(sandbox, 'eu-west-2', 'coder', 'coder').ready === 3);
    const reset = await plan('operator', '/scale reset all');
    await expectGolden('plan-scale-reset-all-pending', shot(reset));
    sandbox.sim.faults.fail('kube:eu-west-2', { status: 503, count: 1000, methods: ['PATCH'] });
    try {
      const after = mark(sandbox);
      await sandbox.slack.press('operator2', reset, 'plan.approve');
      const partial = await next(
        sandbox,
        after,
        (m) => inThreadOf(reset)(m) && m.text.includes('applied only in part'),
        30_000,
      );
      await expectGolden('plan-applied-in-part', shot(partial));
      await sandbox.slack.settle();
      await expectGolden('plan-applied-in-part-message', shot(latest(sandbox, reset)));
    } finally {
      sandbox.sim.faults.reset();
    }
    sandbox.sim.kube.control.setReplicas('eu-west-2', 'coder', 'coder', 2);
  });
});

describe('a rollout that does not finish', () => {
  const probe = { cluster: 'us-east-2', namespace: 'litellm', name: 'litellm' };
  const litellmPods = () =>
    sandbox.sim.kube.control
      .snapshot('us-east-2')
      .pods.filter(
        (p) => p.namespace === 'litellm' && p.name.startsWith('litellm-') && !p.name.includes('rotator'),
      );

  it('says why pods are not ready, and the result says verification failed', async () => {
    // Pods that run but fail their readiness probe, settled before each read so every run sees the same.
    await control(sandbox, 'pods/readiness', { ...probe, output: 'connection refused' });
    try {
      await until(() => deployment(sandbox, 'us-east-2', 'litellm', 'litellm').ready === 0);
      const litellm = await plan('operator', '/scale litellm 5');
      const after = mark(sandbox);
      await sandbox.slack.press('operator2', litellm, 'plan.approve');
      const rollout = await next(
        sandbox,
        after,
        (m) => inThreadOf(litellm)(m) && m.text.includes('Rolling out'),
      );
      await until(() => litellmPods().length === 5 && litellmPods().every((p) => p.status === 'Running'));
      // The rollout's deadline is measured on the simulated clock: move past it.
      sandbox.sim.clock.advance(6 * 60_000);
      const result = await next(sandbox, after, (m) => inThreadOf(litellm)(m) && hasButton(m, 'plan.undo'));
      await sandbox.slack.settle();
      await expectGolden('rollout-progress', shot(rollout));
      await expectGolden('rollout-not-finished', shot(latest(sandbox, rollout)));
      await expectGolden('plan-result-unverified', shot(result));
    } finally {
      await control(sandbox, 'pods/readiness', probe);
      sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm', 4);
    }
    await until(() => deployment(sandbox, 'us-east-2', 'litellm', 'litellm').ready === 4);
  });
});

describe('a scheduled revert', () => {
  it('runs by itself when the time is up, approved with the plan it reverts', async () => {
    const litellm = await plan('operator', '/scale litellm 6 --for 1h');
    await sandbox.slack.press('operator2', litellm, 'plan.approve');
    await next(sandbox, 0, (m) => inThreadOf(litellm)(m) && hasButton(m, 'plan.undo'));
    await sandbox.slack.settle();
    const status = mark(sandbox);
    await sandbox.slack.command('viewer', '/ops status');
    const scheduled = await next(
      sandbox,
      status,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Status of'),
    );
    await expectGolden('ops-status-scheduled', shot(scheduled));
    const after = mark(sandbox);
    await advance(61 * 60_000);
    const revert = await next(
      sandbox,
      after,
      (m) => inThreadOf(litellm)(m) && m.text.startsWith('Revert of plan'),
    );
    await next(sandbox, after, (m) => inThreadOf(litellm)(m) && m.text.includes('Applied and verified'));
    await sandbox.slack.settle();
    expect(deployment(sandbox, 'us-east-2', 'litellm', 'litellm').desired).toBe(4);
    await expectGolden('plan-scheduled-revert', shot(latest(sandbox, revert)));
    const result = sandbox.slack
      .messages()
      .findLast((m) => inThreadOf(litellm)(m) && m.text.includes('Applied and verified'))!;
    await expectGolden('plan-scheduled-revert-result', shot(result));
  });

  it('refused when someone changed the count meanwhile, with the commands that set it by hand', async () => {
    const coder = await plan('operator', '/scale coder 3 --for 1h');
    await sandbox.slack.press('operator2', coder, 'plan.approve');
    await next(sandbox, 0, (m) => inThreadOf(coder)(m) && hasButton(m, 'plan.undo'));
    await sandbox.slack.settle();
    sandbox.sim.kube.control.setReplicas('us-east-2', 'coder', 'coder', 4);
    const after = mark(sandbox);
    await advance(61 * 60_000);
    const refused = await next(sandbox, after, (m) => inThreadOf(coder)(m) && m.text.includes('did not run'));
    await expectGolden('revert-refused-scale', shot(refused));
    await sandbox.slack.settle();
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder').desired).toBe(4);
    sandbox.sim.kube.control.setReplicas('us-east-2', 'coder', 'coder', 2);
    await until(() => deployment(sandbox, 'us-east-2', 'coder', 'coder').ready === 2);
  });
});
