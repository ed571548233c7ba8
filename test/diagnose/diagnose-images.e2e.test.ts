import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { buttonsOf, current } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';
import { control, diagnose, fixButtons, pressFix, ROOMY_CHECKS, sectionOf } from './diagnose-kit.js';

// The image-mirror check in `/diagnose images`: GHCR tag → ECR mirror → what the pods run, through the
// sandbox's registries (a new upstream build pushed through the control API), and its Sync button.
let e2e: Awaited<ReturnType<typeof startE2E>>;
let sandbox: Sandbox;

beforeAll(async () => {
  e2e = await startE2E(ROOMY_CHECKS);
  sandbox = e2e.sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await control(sandbox, 'reset');
});

const MIRROR = 'Image mirror (GHCR = ECR = clusters)';
const short = (digest: string) => `\`${digest.slice(0, 19)}…\``;

describe('/diagnose images: the ECR mirror against GHCR and the clusters', () => {
  it('is green on the seeded sandbox (no false alarm)', async () => {
    const d = await diagnose(sandbox, '/diagnose images');
    expect(d.text).toContain(
      `✅ *${MIRROR}* — 5 images in sync: each mirror holds its GHCR tag's build and the pods run it`,
    );
    expect(d.text).not.toMatch(/❌|⚠️|❔/);
    expect(fixButtons(d)).toEqual([]);
  });

  it('names a stale mirror with its evidence and a Sync button, which opens the sync plan', async () => {
    const { digest: upstream } = (await control(sandbox, 'images/push', { image: 'coder' })) as {
      digest: string;
    };
    const d = await diagnose(sandbox, '/diagnose images');
    const mirror = sectionOf(d, MIRROR);
    expect(mirror).toMatch(/^❌/);
    expect(mirror).toContain('• ❌ `coder`: mirror stale');
    expect(mirror).toContain(`› source: ${short(upstream)} (index; \`linux/amd64\``);
    expect(mirror).toMatch(
      /› ECR `coder-preview:v2\.28\.0`: `sha256:[0-9a-f]{12}…`, pushed <!date\^\d+\^[^>]+> — not the source’s build/,
    );
    expect(mirror).toMatch(
      /› running: `coder` \(us-east-2\): `sha256:[0-9a-f]{12}…` ×2 — ok; `proxy:us-west-2` \(us-west-2\): [^;]+ — ok; `proxy:eu-west-2`/,
    );
    // The pods still run the mirror's build: the clusters agree with each other.
    expect(d.text).toContain('✅ *Coder image digest (control plane = proxies)*');
    expect(fixButtons(d).map((b) => b.label)).toEqual(['Sync coder to ECR']);

    const seen = sandbox.slack.messages().length;
    await pressFix(sandbox, 'operator', d, fixButtons(d)[0]!.value);
    const plan = await sandbox.slack.waitFor(
      (m) => m.seq > seen && buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
    );
    expect(plan.thread_ts).toBe(d.summary.ts);
    expect(plan.text + JSON.stringify(plan.blocks)).toContain(
      'sync ECR `coder-preview:v2.28.0` to `ghcr.io/coder/coder-preview:v2.28.0`',
    );
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const applied = current(sandbox).filter((m) => m.thread_ts === d.summary.ts);
    expect(applied.some((m) => m.text.includes('Applied and verified'))).toBe(true);

    // ECR now holds the source's build; the pods get it when they restart, which is only a warning, with
    // the restart-only plan one click away.
    const after = await diagnose(sandbox, '/diagnose images');
    const lag = sectionOf(after, MIRROR);
    expect(lag).toMatch(/^⚠️/);
    expect(lag).toContain('• ⚠️ `coder`: cluster behind');
    expect(lag).toContain(`› ECR \`coder-preview:v2.28.0\`: ${short(upstream)}`);
    expect(fixButtons(after).map((b) => b.label)).toEqual(["Restart coder onto ECR's build"]);
    const before = sandbox.slack.messages().length;
    await pressFix(sandbox, 'operator', after, fixButtons(after)[0]!.value);
    const restart = await sandbox.slack.waitFor(
      (m) => m.seq > before && buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
    );
    expect(restart.text + JSON.stringify(restart.blocks)).toContain('nothing is copied');
    await sandbox.slack.press('operator2', restart, 'plan.approve');
    await sandbox.slack.settle();
    await sandbox.slack.waitFor(
      (m) => m.seq > before && m.thread_ts === after.summary.ts && m.text.includes('Applied and verified'),
      60_000,
    );
    const done = await diagnose(sandbox, '/diagnose images');
    expect(done.text).toContain(`✅ *${MIRROR}*`);
    expect(e2e.leakedSecrets()).toEqual([]);
  });

  it('fails on a workspace image missing from ECR, naming the templates that cannot start', async () => {
    await control(sandbox, 'images/mirror-delete', { image: 'workspace-base' });
    const d = await diagnose(sandbox, '/diagnose images');
    const mirror = sectionOf(d, MIRROR);
    expect(mirror).toContain(
      '• ❌ `workspace-base` (workspaces of `kubernetes`, `kubernetes-claude`): mirror missing',
    );
    expect(mirror).toContain('› ECR `coder-workspaces/ai-workshop-workspace:2026.11`: tag missing');
    expect(fixButtons(d).map((b) => b.label)).toEqual(['Sync workspace-base to ECR']);
  });

  it('only warns about a pull-through cache that lags, and says what to do instead of offering a sync', async () => {
    await control(sandbox, 'images/push', { image: 'envbuilder' });
    const d = await diagnose(sandbox, '/diagnose images');
    const mirror = sectionOf(d, MIRROR);
    expect(mirror).toMatch(/^⚠️/);
    expect(mirror).toContain(
      '`envbuilder` (workspaces of `kubernetes-devcontainer`): mirror stale (an ECR pull-through cache: a pull refreshes it)',
    );
    const evidence = [d.text, ...d.thread.map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`)].join(
      '\n',
    );
    expect(evidence).toContain('is a pull-through cache of `ghcr.io/coder/envbuilder`');
    expect(evidence).toContain(
      'aws ecr batch-delete-image --region us-east-2 --repository-name ghcr/coder/envbuilder',
    );
    expect(fixButtons(d)).toEqual([]);
  });
});
