import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { alertId } from '../../src/alerts/alert-state.js';
import { evaluateAlerts } from '../../src/jobs/alerts/evaluate-alerts.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { deployment, startTestSandbox } from '../scale/e2e-kit.js';
import { openHome } from '../support/open-home.js';
import { DAY, HOUR, MIN, WorkshopDriver } from './workshop-kit.js';

let sandbox: Sandbox;
let drive: WorkshopDriver;
const provisioners = () => deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-default').desired;
const litellm = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm').desired;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  drive = new WorkshopDriver(sandbox);
});
afterAll(async () => {
  await drive?.stop();
  await sandbox?.close();
});

async function prep(role: string, line: string) {
  const ack = await sandbox.slack.command(role, line);
  expect(ack.status).toBe(200);
  const name = /--name (\S+)/.exec(line)![1]!;
  return sandbox.slack.waitFor((m) => m.text.startsWith(`Workshop ${name}:`), 30_000);
}

async function waitFor(cond: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/workshop: overlaps, cancellation, no-go and ending early', () => {
  it('gives overlapping workshops the larger capacity, restores on cancel, and winds down when the last ends', async () => {
    onTestFailed(() => drive.dump());
    const a = drive.isoIn(2 * DAY);
    const b = drive.isoIn(2 * DAY + HOUR);
    await prep('operator', `/workshop prep 20 ${a.iso} --duration 2h --name alpha`);
    await drive.idle();
    const betaPreview = await prep('operator', `/workshop prep 30 ${b.iso} --duration 2h --name beta`);
    expect(JSON.stringify(betaPreview.blocks)).toContain('overlaps `alpha`');
    // App Home lists both with their next step; an outsider sees none of it.
    const home = await openHome(sandbox, 'viewer');
    expect(home).toContain('*Upcoming workshops*');
    expect(home).toMatch(/`alpha`: 20 users, .* · next: checklist/);
    expect(home).toContain('`beta`: 30 users');
    expect(await openHome(sandbox, 'outsider')).not.toContain('alpha');

    // Alpha's day-ahead plan covers both: 12 provisioners (beta's 30 users), not alpha's 10.
    const alpha = await drive.workshop('alpha');
    const alphaPreview = sandbox.slack.messages().find((m) => m.text.startsWith('Workshop alpha:'))!;
    await drive.advanceTo(alpha.steps['scale-up'].at);
    const plan = await drive.pendingPlanIn(alphaPreview, /provisioners/);
    expect(plan.text).toContain('`provisioners` to 12');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await waitFor(() => provisioners() === 12 && litellm() === 6);

    // Beta's own day-ahead step finds it done: nothing more to approve.
    const beta = await drive.workshop('beta');
    await drive.advanceTo(beta.steps['scale-up'].at);
    expect((await drive.stepSettled('beta', 'scale-up')).steps['scale-up'].detail).toContain(
      'already scaled',
    );

    // Cancelling beta drops its later steps and gives back what only beta needed: alpha keeps its 10.
    const cancel = await sandbox.slack.command('operator', '/workshop cancel beta');
    expect(cancel.status).toBe(200);
    const cancelled = await drive.stepSettled('beta', 'wind-down');
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.steps['go-no-go'].status).toBe('skipped');
    expect(cancelled.steps.summary.status).toBe('skipped');
    await waitFor(() => provisioners() === 10 && litellm() === 6);

    // Alpha ends: now everything goes back to the inventory defaults, without a new approval.
    await drive.advanceTo(alpha.steps['wind-down'].at);
    await drive.stepSettled('alpha', 'wind-down');
    await waitFor(() => provisioners() === 6 && litellm() === 4);
    // Beta's dropped steps never ran: no go/no-go report for it.
    expect(sandbox.slack.messages().some((m) => m.text.includes('GO for workshop `beta`'))).toBe(false);
  }, 240_000);

  it('says no-go with the failing region and its reason, and `end` winds down at once', async () => {
    onTestFailed(() => drive.dump());
    sandbox.sim.coder.control.failWorkspaces(
      'emea-proxy',
      'command',
      'dial tailnet: DERP region eu-west-2 unreachable',
    );
    const soon = drive.isoIn(40 * MIN);
    const preview = await prep('operator', `/workshop prep 25 ${soon.iso} --duration 1h --name nogo`);
    // Every early step is due at once: the checklist, the scaling plan and the go/no-go.
    const report = await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && /GO for workshop `nogo`/.test(m.text),
      90_000,
    );
    expect(report.text).toContain('NO-GO');
    const body = JSON.stringify(report.blocks);
    expect(body).toContain('eu-west-2');
    expect(body).toContain('DERP region eu-west-2 unreachable');
    expect(body).toContain('✅ us-east-2');
    sandbox.sim.coder.control.failWorkspaces('emea-proxy', null);

    // Approve the scaling plan, then end the workshop early: it scales back now, and the summary follows.
    const plan = await drive.pendingPlanIn(preview, /provisioners/);
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await waitFor(() => provisioners() === 12);
    const viewer = await sandbox.slack.command('viewer', '/workshop end nogo');
    expect(viewer.text).toContain('needs the *operator* role');
    await drive.idle();
    expect((await drive.workshop('nogo')).state).toBe('scheduled');
    await sandbox.slack.command('operator', '/workshop end nogo');
    await drive.stepSettled('nogo', 'wind-down');
    await waitFor(() => provisioners() === 6);
    await drive.advance(2 * MIN);
    const ended = await drive.stepSettled('nogo', 'summary');
    expect(ended.state).toBe('ended');
    const status = await sandbox.slack.command('viewer', '/workshop status nogo');
    expect(status.status).toBe(200);
    const answer = await sandbox.slack.waitFor(
      (m) => m.via === 'chat.postEphemeral' && m.text.includes('Workshop nogo: ended'),
    );
    expect(JSON.stringify(answer.blocks)).toContain('NO-GO');
  }, 240_000);

  it('cancelling after the scale-up and the pause restores both at once', async () => {
    onTestFailed(() => drive.dump());
    const preview = await prep(
      'operator',
      `/workshop prep 30 ${drive.isoIn(45 * MIN).iso} --duration 1h --name gone`,
    );
    const scale = await drive.pendingPlanIn(preview, /provisioners/);
    const pause = await drive.pendingPlanIn(preview, /key rotation/);
    await sandbox.slack.press('operator2', scale, 'plan.approve');
    await sandbox.slack.press('operator2', pause, 'plan.approve');
    const rotator = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm-key-rotator').desired;
    await waitFor(() => provisioners() === 12 && litellm() === 6 && rotator() === 0);
    await drive.stepSettled('gone', 'go-no-go', 90_000);

    const answer = await sandbox.slack.command('operator', '/workshop cancel gone');
    expect(answer.status).toBe(200);
    const w = await drive.stepSettled('gone', 'wind-down');
    expect(w.state).toBe('cancelled');
    expect(w.steps.summary.status).toBe('skipped');
    await waitFor(() => provisioners() === 6 && litellm() === 4 && rotator() === 1);
    const said = await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && m.text.includes('cancelled workshop `gone`'),
    );
    expect(said.text).toContain('<@U0SBOPER01> cancelled');
  }, 240_000);

  it('raises an alert one severity during a workshop and tells the workshop thread', async () => {
    onTestFailed(() => drive.dump());
    const soon = drive.isoIn(30 * MIN);
    const preview = await prep('operator', `/workshop prep 5 ${soon.iso} --duration 1h --name live`);
    await drive.stepSettled('live', 'go-no-go', 90_000);
    await control(sandbox, 'pods/crashloop', {
      cluster: 'us-east-2',
      namespace: 'litellm',
      name: 'litellm',
      on: true,
    });
    try {
      const deps = drive.bot.deps;
      const env = deps.environments.get('ai.coder.com')!;
      // fireAfter 2: the second failing run fires. Crash loops are a warning in the inventory; now critical.
      // (Days on, the sandbox's rotator, which never rotates, may alert too: wait for this one.)
      const crashLoops = alertId(env.name, 'crash-loops', 'us-east-2');
      await waitUntilFires(async () => (await evaluateAlerts(deps, env)).fired.includes(crashLoops));
      const alert = await sandbox.slack.waitFor((m) => !m.thread_ts && m.text.includes('Crash loops'));
      expect(alert.text).toContain('CRITICAL');
      const told = await sandbox.slack.waitFor(
        (m) =>
          m.thread_ts === preview.ts &&
          m.text.includes('During workshop `live`') &&
          m.text.includes('Crash loops'),
      );
      expect(told.text).toContain('*CRITICAL* Crash loops');
    } finally {
      await control(sandbox, 'pods/crashloop', {
        cluster: 'us-east-2',
        namespace: 'litellm',
        name: 'litellm',
        on: false,
      });
    }
  }, 240_000);
});

/** Runs alert evaluations until one fires (the crash loop takes a moment to show in pod statuses). */
async function waitUntilFires(run: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await run())) {
    if (Date.now() > deadline) throw new Error('no alert fired in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
