import { beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { planIn, press, resultIn } from '../dns/dns-test-kit.js';
import { buttonsOf, planFor, threadOf } from '../scale/e2e-kit.js';
import { type E2E, useE2E } from '../support/start-e2e.js';

const kit = useE2E();
let e2e: E2E;
let sandbox: Sandbox;
// Hooks run in the order they are registered: the kit's beforeAll has started the sandbox by now.
beforeAll(() => {
  ({ e2e, sandbox } = kit);
});

/** `/images status` as a viewer: the coder row. */
async function coderRow(): Promise<string> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command('viewer', '/images status');
  if (ack.status !== 200) throw new Error(`ack ${ack.status}: ${ack.text}`);
  const m = await sandbox.slack.waitFor(
    (x) => x.seq > seen && x.via === 'chat.postEphemeral' && x.text.startsWith('*Images in'),
  );
  return m.text.split('\n\n').find((s) => s.includes('*coder*')) ?? '';
}

const short = (d: string) => `\`${d.slice(0, 19)}…\``;
const line = (row: string, target: string) => row.split('\n').find((l) => l.includes(`\`${target}\``)) ?? '';

async function pushUpstream(): Promise<string> {
  const { digest } = (await control(sandbox, 'images/push', { image: 'coder' })) as { digest: string };
  return digest;
}

/** Evicts the Coder pods of `cluster`: their replacements pull what the tag resolves to now (ECR's build). */
async function replaceCoderPods(cluster: string): Promise<void> {
  const pods = sandbox.sim.kube.control
    .snapshot(cluster)
    .pods.filter((p) => p.namespace === 'coder' && /^coder-[a-z0-9]+-[a-z0-9]+$/.test(p.name));
  for (const p of pods) await control(sandbox, 'pods/evict', { cluster, namespace: 'coder', pod: p.name });
  await sandbox.sim.kube.control.settled(cluster);
}

/** What the bot answers `role` after `line` (the refusal of a plan, in the ack or ephemeral). */
async function answerTo(role: string, line: string, pattern: RegExp): Promise<string> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command(role, line);
  if (pattern.test(ack.text)) return ack.text;
  return (await sandbox.slack.waitFor((m) => m.seq > seen && pattern.test(m.text))).text;
}

describe('/images sync --restart', () => {
  it('copies, then rolls control plane then proxies onto the new build: the three clusters run one digest', async () => {
    const upstream = await pushUpstream();
    const plan = await planFor(sandbox, 'operator', '/images sync coder --restart');
    const planText = plan.text + JSON.stringify(plan.blocks);
    expect(planText).toContain('then restart the Coder deployments onto it');
    expect(planText).toMatch(
      /rollout restart of `coder` \(us-east-2\) → `proxy:us-west-2` \(us-west-2\) → `proxy:eu-west-2` \(eu-west-2\)/,
    );
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const thread = threadOf(sandbox, plan).map((m) => m.text);
    const result = thread.find((t) => t.includes('Applied and verified'));
    expect(result, thread.join('\n---\n')).toBeDefined();
    expect(result).toContain('us-east-2 → us-west-2 → eu-west-2');
    expect(result).toContain(upstream.slice(0, 19));
    const row = await coderRow();
    expect(row).toMatch(/✅ \*coder\* .*: in sync/);
    for (const t of ['coder', 'proxy:us-west-2', 'proxy:eu-west-2'])
      expect(line(row, t), t).toContain(`${short(upstream)} ×2 — ok`);

    // Undo: the previous build back in ECR, and the same deployments restarted onto it.
    const previous = /Undo copies `(sha256:[0-9a-f]{12})…`/.exec(planText)?.[1] ?? '';
    const resultMessage = threadOf(sandbox, plan).find((m) => m.text.includes('Applied and verified'))!;
    const undo = planIn(await press(sandbox, 'operator', resultMessage, 'plan.undo'));
    expect(undo.text).toContain('then restart the Coder deployments onto it');
    const undone = resultIn(await press(sandbox, 'operator2', undo, 'plan.approve'));
    expect(undone?.text).toContain('Applied and verified');
    const back = await coderRow();
    for (const t of ['coder', 'proxy:us-west-2', 'proxy:eu-west-2'])
      expect(line(back, t), t).toContain(`\`${previous}…\` ×2 — ok`);
    expect(e2e.leakedSecrets()).toEqual([]);
  });

  it('a proxy cluster failing to pull stops the rollout with the reason; Undo is offered', async () => {
    const upstream = await pushUpstream();
    await control(sandbox, 'pods/image-pull', { cluster: 'us-west-2', namespace: 'coder', name: 'coder' });
    const plan = await planFor(sandbox, 'operator', '/images sync coder --restart');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const messages = threadOf(sandbox, plan);
    const result = messages.find((m) => m.text.includes('verification failed'));
    expect(result, messages.map((m) => m.text).join('\n---\n')).toBeDefined();
    expect(result!.text).toContain('restart stopped in us-west-2');
    expect(result!.text).toMatch(
      /stopped after \d+s: • `proxy:us-west-2`: \d pod\(s\) in (ImagePullBackOff|ErrImagePull)/,
    );
    expect(result!.text).toContain('Not restarted: eu-west-2');
    expect(result!.text).toMatch(/Undo copies `sha256:[0-9a-f]{12}…` back to ECR/);
    expect(buttonsOf(result!).map((b) => b.action_id)).toContain('plan.undo');
    const row = await coderRow();
    expect(line(row, 'coder')).toContain(`${short(upstream)} ×2 — ok`);
    expect(line(row, 'proxy:eu-west-2')).toContain('behind');
  });

  it('mirror in sync, one cluster behind: a restart-only plan rolls just that cluster, no copy and no Undo', async () => {
    const upstream = await pushUpstream();
    // Synced without --restart, then two clusters' pods replaced: only eu-west-2 still runs the old build.
    const sync = await planFor(sandbox, 'operator', '/images sync coder');
    await sandbox.slack.press('operator2', sync, 'plan.approve');
    await sandbox.slack.settle();
    await replaceCoderPods('us-east-2');
    await replaceCoderPods('us-west-2');
    const behind = await coderRow();
    expect(behind).toMatch(/❌ \*coder\* .*: cluster behind/);
    expect(line(behind, 'proxy:eu-west-2')).toContain('*behind*');
    expect(line(behind, 'coder')).toContain(`${short(upstream)} ×2 — ok`);
    expect(behind).toContain('→ `/images sync coder --restart` rolls them onto the build ECR serves');
    // `/ops status` says the same in its one line.
    const seen = sandbox.slack.messages().length;
    await sandbox.slack.command('viewer', '/ops status');
    const status = await sandbox.slack.waitFor(
      (x) => x.seq > seen && x.via === 'chat.postEphemeral' && x.text.includes('`coder`'),
    );
    expect(status.text).toMatch(/`coder`: cluster behind — `\/images sync coder --restart`/);

    const plan = await planFor(sandbox, 'operator', '/images sync coder --restart');
    const planText = plan.text + JSON.stringify(plan.blocks);
    expect(planText).toContain(
      `restart \`proxy:eu-west-2\` onto the build ECR \`coder-preview:v2.28.0\` already serves (${short(upstream)}); nothing is copied`,
    );
    expect(planText).toContain('Restart only: ECR already serves');
    expect(planText).toContain('A rollout restart of `proxy:eu-west-2` (eu-west-2), one cluster at a time');
    expect(planText).toContain('No Undo');
    expect(planText).not.toContain('Undo copies');
    await control(sandbox, 'registry/traffic', { registry: 'ecr', clear: true });
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const thread = threadOf(sandbox, plan).map((m) => m.text);
    const result = thread.find((t) => t.includes('Applied and verified'));
    expect(result, thread.join('\n---\n')).toBeDefined();
    expect(result).toContain(
      `\`proxy:eu-west-2\` restarted cluster by cluster (eu-west-2); \`coder\`, \`proxy:us-west-2\` already ran it (left alone); all run ${short(upstream)}`,
    );
    // Nothing copied: no progress message, no upload to ECR.
    expect(thread.some((t) => /Cop(y|ied) `/.test(t))).toBe(false);
    const traffic = (await control(sandbox, 'registry/traffic', { registry: 'ecr' })) as {
      uploadedBytes: number;
    };
    expect(traffic.uploadedBytes).toBe(0);
    const row = await coderRow();
    expect(row).toMatch(/✅ \*coder\* .*: in sync/);
    for (const t of ['coder', 'proxy:us-west-2', 'proxy:eu-west-2'])
      expect(line(row, t), t).toContain(`${short(upstream)} ×2 — ok`);

    // Undo has no earlier ECR build to restore: the result says so instead of offering the button.
    const resultMessage = threadOf(sandbox, plan).find((m) => m.text.includes('Applied and verified'))!;
    expect(resultMessage.text).toContain('No Undo: ECR still serves the build it served before');
    expect(buttonsOf(resultMessage).map((b) => b.action_id)).not.toContain('plan.undo');
    expect(e2e.leakedSecrets()).toEqual([]);
  });

  it('everything in sync: --restart is refused plainly, and a plain sync points at --restart', async () => {
    const all = await answerTo('operator', '/images sync coder --restart', /nothing to do/);
    expect(all).toMatch(
      /ECR `coder-preview:v2\.28\.0` already is `sha256:[0-9a-f]{12}…`, and `coder`, `proxy:us-west-2`, `proxy:eu-west-2` all run it: nothing to do/,
    );
    const plain = await answerTo('operator', '/images sync coder', /nothing to sync/);
    expect(plain).toContain('`/images sync coder --restart` rolls it onto this one');
  });
});
