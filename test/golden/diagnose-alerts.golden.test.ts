import { afterAll, beforeAll, describe, it } from 'vitest';
import { evaluateAlerts } from '../../src/jobs/alerts/evaluate-alerts.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control, ROOMY_CHECKS } from '../diagnose/diagnose-kit.js';
import { startE2E } from '../support/start-e2e.js';
import { expectGolden, hasButton, latest, mark, messageShot, next } from './golden-kit.js';

// /diagnose (progress, summaries, evidence in the thread, a fix button's plan) and scheduled alerts (fired,
// escalated, acknowledged, snoozed, listed, resolved), against faults injected through the control API.
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = (await startE2E({ ...ROOMY_CHECKS, logLevel: 'warn' })).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});

const shot = (m: RecordedMessage) => messageShot(sandbox, m);
const isSummary = (m: RecordedMessage) => m.text.startsWith('🔎') && m.text.includes('(asked by <@');
const ephemeralTo = (role: string) => (m: RecordedMessage) =>
  (m.via === 'chat.postEphemeral' || m.via === 'response_url') && m.user === sandbox.slack.user(role);

/** Runs `/diagnose …` and returns its first post (the progress line) and its summary, once settled. */
async function diagnose(line: string) {
  const after = mark(sandbox);
  const ack = await sandbox.slack.command('viewer', line);
  if (!ack.text.includes('Queued')) throw new Error(`not queued: ${ack.text}`);
  const progress = await next(sandbox, after, (m) => m.via === 'chat.postMessage' && m.text.startsWith('🔎'));
  await next(sandbox, after, (m) => m.ts === progress.ts && isSummary(m), 40_000);
  await sandbox.slack.settle();
  const thread = sandbox.slack.messages().filter((m) => m.thread_ts === progress.ts);
  return { progress, summary: latest(sandbox, progress), thread };
}

const workspaceNode = () =>
  sandbox.sim.kube.control.snapshot('us-east-2').nodes.find((n) => n.pool === 'workspaces')!.name;

describe('/diagnose', () => {
  it('all clear', async () => {
    const { progress, summary } = await diagnose('/diagnose all');
    await expectGolden('diagnose-progress', shot(progress));
    await expectGolden('diagnose-summary-clear', shot(summary));
  });

  it('a finding with a fix: the button opens the ordinary plan in the thread', async () => {
    await control(sandbox, 'coder/pending-jobs', { org: 'default', count: 4 });
    const { summary } = await diagnose('/diagnose provisioners');
    await expectGolden('diagnose-summary-fix', shot(summary));
    const fixId = (summary.blocks ?? [])
      .map((b) => (b as { accessory?: { action_id?: string; value?: string } }).accessory)
      .find((a) => a?.action_id === 'diagnose.fix')!.value!;
    const after = mark(sandbox);
    await sandbox.slack.press('operator', summary, 'diagnose.fix', fixId);
    const plan = await next(
      sandbox,
      after,
      (m) => m.thread_ts === summary.ts && hasButton(m, 'plan.approve'),
    );
    await expectGolden('diagnose-fix-plan', shot(plan));
    await sandbox.slack.press('operator', plan, 'plan.cancel');
    await sandbox.slack.settle();
    await control(sandbox, 'reset');
  });

  it('findings whose evidence does not fit: the rest goes to the thread', async () => {
    for (const node of sandbox.sim.kube.control.snapshot('us-east-2').nodes)
      await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node: node.name, percent: 93 });
    const { summary, thread } = await diagnose('/diagnose restarts');
    await expectGolden('diagnose-summary-findings', shot(summary));
    if (!thread[0]) throw new Error('no evidence in the thread');
    await expectGolden('diagnose-details', shot(thread[0]));
    await control(sandbox, 'reset');
  });

  it('an unreachable cluster: what could not be told, in one line', async () => {
    sandbox.sim.faults.setUnreachable('kube:eu-west-2', true);
    try {
      const { summary } = await diagnose('/diagnose routing');
      await expectGolden('diagnose-summary-unreachable', shot(summary));
    } finally {
      sandbox.sim.faults.reset();
    }
  });
});

describe('scheduled alerts', () => {
  const deps = () => sandbox.bot!.deps;
  const evaluate = async () => {
    for (;;) {
      const s = await evaluateAlerts(deps(), deps().environments.get('ai.coder.com')!);
      if (!s.skipped) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  let alert: RecordedMessage;
  const inThread = (m: RecordedMessage) => m.thread_ts === alert.ts;

  it('fires after two failing runs, with Acknowledge, Snooze and the evidence', async () => {
    await control(sandbox, 'reset');
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node: workspaceNode(), percent: 88 });
    const after = mark(sandbox);
    await evaluate();
    await evaluate();
    alert = await next(sandbox, after, (m) => m.via === 'chat.postMessage' && hasButton(m, 'alert.ack'));
    await expectGolden('alert-firing', shot(alert));
  });

  it('escalates to the on-call group when nobody acknowledges it', async () => {
    const after = mark(sandbox);
    sandbox.sim.clock.advance(31 * 60_000);
    await evaluate();
    const escalation = await next(
      sandbox,
      after,
      (m) => inThread(m) && m.text.includes('without an acknowledgement'),
    );
    await sandbox.slack.settle();
    await expectGolden('alert-escalation', shot(escalation));
    await expectGolden('alert-escalated', shot(latest(sandbox, alert)));
  });

  it('acknowledged and snoozed: said in the thread, shown on the alert', async () => {
    let after = mark(sandbox);
    await sandbox.slack.press('operator', alert, 'alert.ack');
    await expectGolden('alert-acknowledged-said', shot(await next(sandbox, after, inThread)));
    after = mark(sandbox);
    await sandbox.slack.press('operator2', alert, 'alert.snooze1h');
    await expectGolden('alert-snoozed-said', shot(await next(sandbox, after, inThread)));
    await sandbox.slack.settle();
    await expectGolden('alert-acknowledged-snoozed', shot(latest(sandbox, alert)));
  });

  it('/ops alerts lists it', async () => {
    const after = mark(sandbox);
    await sandbox.slack.command('viewer', '/ops alerts');
    const list = await next(
      sandbox,
      after,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Alerts of'),
    );
    await expectGolden('ops-alerts-list', shot(list));
  });

  it('resolves after two passing runs: said in the thread, the alert marked resolved', async () => {
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node: workspaceNode(), percent: 20 });
    sandbox.sim.clock.advance(5 * 60_000);
    const after = mark(sandbox);
    await evaluate();
    await evaluate();
    const resolution = await next(sandbox, after, (m) => inThread(m) && m.text.includes('Resolved'));
    await sandbox.slack.settle();
    await expectGolden('alert-resolution', shot(resolution));
    await expectGolden('alert-resolved', shot(latest(sandbox, alert)));
    const pressed = mark(sandbox);
    await sandbox.slack.press('operator', alert, 'alert.ack');
    await expectGolden('refusal-alert-resolved', shot(await next(sandbox, pressed, ephemeralTo('operator'))));
  });
});
