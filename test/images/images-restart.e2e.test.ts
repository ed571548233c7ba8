import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { planIn, press, resultIn } from '../dns/dns-test-kit.js';
import { buttonsOf, planFor, threadOf } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';

let e2e: Awaited<ReturnType<typeof startE2E>>;
let sandbox: Sandbox;

beforeAll(async () => {
  e2e = await startE2E();
  sandbox = e2e.sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await control(sandbox, 'reset');
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
});
