import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { PauseStore } from '../../src/changes/rotation/pause-store.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { deployment, startTestSandbox } from '../scale/e2e-kit.js';
import { DAY, HOUR, MIN, WorkshopDriver } from './workshop-kit.js';

let sandbox: Sandbox;
let drive: WorkshopDriver;
const provisioners = () => deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-default');
const litellm = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm');
const rotator = () => deployment(sandbox, 'us-east-2', 'litellm', 'litellm-key-rotator');

beforeAll(async () => {
  sandbox = await startTestSandbox();
  drive = new WorkshopDriver(sandbox);
});
afterAll(async () => {
  await drive?.stop();
  await sandbox?.close();
});

describe('/workshop prep: the whole timeline on a simulated clock', () => {
  it('previews, checks, scales on approval, pauses rotation, smoke-tests, winds down and summarises — across a bot restart', async () => {
    onTestFailed(() => drive.dump());
    const { at: start, iso } = drive.isoIn(3 * DAY);
    const ack = await sandbox.slack.command(
      'operator',
      `/workshop prep 30 ${iso} --duration 2h --name december`,
    );
    expect(ack.status).toBe(200);
    const preview = await sandbox.slack.waitFor((m) => m.text.startsWith('Workshop december'), 30_000);
    const shown = JSON.stringify(preview.blocks);
    // The capacity table's 30-user tier: provisioners 6 → 12, LiteLLM 4 → 6.
    expect(shown).toContain('`provisioners`: 6 → 12');
    expect(shown).toContain('`litellm`: 4 → 6');
    expect(shown).toContain('Timeline');
    // The simulated rotator runs every 4–5 h: rotations fall inside the workshop, and the preview says so.
    expect(shown).toMatch(
      /rotation expected .*inside the workshop; a pause until .* is planned an hour before the start/,
    );
    expect(shown).toContain('← next');
    expect(provisioners().desired).toBe(6);

    // T-2 days: the checklist in the thread.
    let w = await drive.workshop('december');
    await drive.advanceTo(w.steps.checklist.at);
    await drive.stepSettled('december', 'checklist');
    expect(drive.thread(preview).some((m) => m.text.includes('Checklist for workshop'))).toBe(true);

    // T-1 day: the scaling plan waits for a second person.
    await drive.advanceTo(w.steps['scale-up'].at);
    const scalePlan = await drive.pendingPlanIn(preview, /provisioners/);
    expect(scalePlan.text).toContain('to 12');
    await sandbox.slack.press('operator2', scalePlan, 'plan.approve');
    await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && m.text.includes('Applied and verified'),
      30_000,
    );
    expect(provisioners().desired).toBe(12);
    expect(litellm().desired).toBe(6);
    // `/ops plan <id>` tells its story: who asked, who approved, each step of its history.
    const planId = /p-[0-9a-f]{12}/.exec(scalePlan.text)![0];
    await sandbox.slack.command('viewer', `/ops plan ${planId}`);
    const story = await sandbox.slack.waitFor(
      (m) => m.via === 'chat.postEphemeral' && m.text.includes(`*Plan \`${planId}\`*`),
    );
    expect(story.text).toContain('— *applied*');
    expect(story.text).toMatch(/approved by <@U0SBOPER02>/);
    expect(story.text).toMatch(/requested by <@U0SBOPER01>[\s\S]*approved by <@U0SBOPER02>[\s\S]*applied by/);

    // A deploy in the middle: every later step is still there, and nothing runs twice.
    await drive.restartBot();

    // T-1 hour: the rotation pause is planned (a rotation would fall inside), smoke tests pass: GO.
    w = await drive.workshop('december');
    await drive.advanceTo(w.steps['go-no-go'].at);
    const pausePlan = await drive.pendingPlanIn(preview, /key rotation/);
    const report = await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && /GO for workshop/.test(m.text),
      60_000,
    );
    expect(report.text).toContain(':large_green_circle: *GO');
    await sandbox.slack.press('operator2', pausePlan, 'plan.approve');
    await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && m.text.includes('Applied and verified: pause key rotation'),
      30_000,
    );
    expect(rotator().desired).toBe(0);
    const pause = await new PauseStore(drive.bot.deps.redis, drive.bot.deps.prefix).get('ai.coder.com');
    expect(pause?.until).toBe(start + 2 * HOUR + 30 * MIN);

    // The workshop runs (samples every 5 minutes), ends, and 30 minutes later everything is back.
    await drive.advanceTo(start + HOUR);
    await drive.advanceTo(start + 2 * HOUR + 30 * MIN);
    await drive.stepSettled('december', 'wind-down');
    await waitUntil(() => provisioners().desired === 6 && litellm().desired === 4 && rotator().desired === 1);

    // An hour after the end: the summary with its chart, in the thread.
    await drive.advanceTo(start + 3 * HOUR);
    w = await drive.stepSettled('december', 'summary');
    expect(w.state).toBe('ended');
    const summary = await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && m.text.includes('Workshop `december` is over'),
      30_000,
    );
    const said = JSON.stringify(summary.blocks);
    console.log(said);
    expect(said).toContain('scale');
    const chart = await sandbox.slack.waitFor(
      (m) => m.thread_ts === preview.ts && (m.files?.length ?? 0) > 0,
      30_000,
    );
    expect(chart.files?.[0]?.name).toBe('workshop-december.png');

    // Nothing doubled across the restart: one of each in the thread.
    const thread = drive.thread(preview);
    const count = (re: RegExp) => thread.filter((m) => re.test(m.text)).length;
    expect(count(/Checklist for workshop/)).toBe(1);
    expect(count(/GO for workshop/)).toBe(1);
    expect(count(/Workshop `december` is over/)).toBe(1);
    expect(thread.filter((m) => m.files?.length).length).toBe(1);
    expect(Object.values(w.steps).map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  }, 240_000);
});

async function waitUntil(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
