import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { deployment, until } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';
import { HOUR, MIN, WorkshopDriver } from '../workshop/workshop-kit.js';
import { ackShot, expectGolden, latest, mark, messageShot, next } from './golden-kit.js';

// /workshop, told through one workshop's timeline (three days compressed) and one that is a no-go.
let sandbox: Sandbox;
let drive: WorkshopDriver;

beforeAll(async () => {
  sandbox = (await startE2E({ logLevel: 'warn' })).sandbox;
  drive = new WorkshopDriver(sandbox);
});
afterAll(async () => {
  await sandbox?.close();
});

const shot = (m: RecordedMessage) => messageShot(sandbox, m);
const ephemeralTo = (role: string) => (m: RecordedMessage) =>
  m.via === 'chat.postEphemeral' && m.user === sandbox.slack.user(role);
const inThread = (parent: RecordedMessage, text: string) => (m: RecordedMessage) =>
  m.thread_ts === parent.ts && m.text.includes(text);

describe('/workshop messages', () => {
  it('the prep form, the preview and its timeline as steps run, each step in the thread', async () => {
    const form = await sandbox.slack.command('operator', '/workshop prep');
    expect(form.status).toBe(200);
    await expectGolden('workshop-prep-modal', shot(sandbox.slack.lastModal('operator')!));

    const start = drive.isoIn(3 * 24 * HOUR);
    let after = mark(sandbox);
    const ack = await sandbox.slack.command(
      'operator',
      `/workshop prep 30 ${start.iso} --duration 2h --name december`,
    );
    await expectGolden('workshop-prep-ack', ackShot(sandbox, 'operator', ack));
    const preview = await next(sandbox, after, (m) => m.text.startsWith('Workshop december:'));
    await drive.idle();
    await expectGolden('workshop-preview', shot(preview));

    let w = await drive.workshop('december');
    after = mark(sandbox);
    await drive.advanceTo(w.steps.checklist.at);
    await expectGolden(
      'workshop-checklist',
      shot(await next(sandbox, after, inThread(preview, 'Checklist'))),
    );

    after = mark(sandbox);
    await drive.advanceTo(w.steps['scale-up'].at);
    const plan = await next(sandbox, after, inThread(preview, 'workshop december, 30 users'));
    await expectGolden('workshop-scaling-plan', shot(plan));
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await next(sandbox, after, inThread(preview, 'Applied and verified'));

    after = mark(sandbox);
    await drive.advanceTo(w.steps['go-no-go'].at);
    const pause = await next(sandbox, after, inThread(preview, 'pause key rotation'));
    await expectGolden('workshop-rotation-pause-plan', shot(pause));
    await expectGolden(
      'workshop-go',
      shot(await next(sandbox, after, inThread(preview, 'GO for workshop'), 60_000)),
    );
    await sandbox.slack.press('operator2', pause, 'plan.approve');
    await next(sandbox, after, inThread(preview, 'Applied and verified: pause key rotation'));

    after = mark(sandbox);
    await sandbox.slack.command('viewer', '/workshop status december');
    await expectGolden('workshop-status', shot(await next(sandbox, after, ephemeralTo('viewer'))));
    after = mark(sandbox);
    await sandbox.slack.command('viewer', '/workshop list');
    await expectGolden('workshop-list', shot(await next(sandbox, after, ephemeralTo('viewer'))));

    w = await drive.workshop('december');
    after = mark(sandbox);
    await drive.advanceTo(w.steps['wind-down'].at);
    await expectGolden(
      'workshop-wind-down-plan',
      shot(await next(sandbox, after, inThread(preview, 'workshop december is over'))),
    );
    await drive.stepSettled('december', 'wind-down');
    after = mark(sandbox);
    await drive.advanceTo(w.steps.summary.at);
    await expectGolden('workshop-summary', shot(await next(sandbox, after, inThread(preview, 'is over*'))));
    await expectGolden(
      'workshop-chart',
      shot(await next(sandbox, after, (m) => m.thread_ts === preview.ts && Boolean(m.files?.length))),
    );
    await drive.stepSettled('december', 'summary');
    await drive.idle();
    await expectGolden('workshop-preview-ended', shot(latest(sandbox, preview)));
    await until(() => deployment(sandbox, 'us-east-2', 'litellm', 'litellm-key-rotator').desired === 1);
  }, 240_000);

  it('a no-go, a step that failed, and a cancellation', async () => {
    // A rotation just now: the checklist's key-rotation line does not depend on how long the first test ran.
    await control(sandbox, 'rotation/rotate');
    sandbox.sim.coder.control.failWorkspaces(
      'emea-proxy',
      'command',
      'dial tailnet: DERP region eu-west-2 unreachable',
    );
    try {
      let after = mark(sandbox);
      await sandbox.slack.command(
        'operator',
        `/workshop prep 5 ${drive.isoIn(40 * MIN).iso} --duration 1h --name nogo`,
      );
      const preview = await next(sandbox, after, (m) => m.text.startsWith('Workshop nogo:'));
      await expectGolden(
        'workshop-no-go',
        shot(await next(sandbox, after, inThread(preview, 'GO for workshop'), 90_000)),
      );
      await drive.stepSettled('nogo', 'go-no-go');
      after = mark(sandbox);
      await sandbox.slack.command('operator', '/workshop cancel nogo');
      await expectGolden(
        'workshop-cancelled',
        shot(await next(sandbox, after, inThread(preview, 'cancelled workshop'))),
      );
      await expectGolden('workshop-cancel-answer', shot(await next(sandbox, after, ephemeralTo('operator'))));
      await drive.stepSettled('nogo', 'wind-down');
      await drive.idle();
      await expectGolden('workshop-preview-cancelled', shot(latest(sandbox, preview)));
    } finally {
      sandbox.sim.coder.control.failWorkspaces('emea-proxy', null);
    }
  }, 240_000);
});
