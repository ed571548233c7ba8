import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { planFor, threadOf } from '../scale/e2e-kit.js';
import { type E2E, useE2E } from '../support/start-e2e.js';

// The workspace images the templates need (the inventory's `templates`), in /images status and /ops status.
const kit = useE2E();
let e2e: E2E;
let sandbox: Sandbox;
// Hooks run in the order they are registered: the kit's beforeAll has started the sandbox by now.
beforeAll(() => {
  ({ e2e, sandbox } = kit);
});

/** A read command's ephemeral answer to the viewer, recognised by how its text starts. */
async function read(line: string, start: string): Promise<RecordedMessage> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command('viewer', line);
  if (ack.status !== 200) throw new Error(`ack ${ack.status}: ${ack.text}`);
  return sandbox.slack.waitFor(
    (m) => m.seq > seen && m.via === 'chat.postEphemeral' && m.text.startsWith(start),
  );
}

const sections = (m: RecordedMessage): string[] =>
  (m.blocks ?? []).map((b) => (b as { text?: { text?: string } }).text?.text ?? '');
/** The section of `/images status` about one image. */
const rowOf = (m: RecordedMessage, id: string) => sections(m).find((s) => s.includes(`*${id}*`)) ?? '';
/** The line of `/ops status` about one image. */
const imageLine = (m: RecordedMessage, id: string) =>
  sections(m)
    .flatMap((s) => s.split('\n'))
    .find((l) => l.includes(`\`${id}\``) && /in sync|could not tell|mirror|cluster/.test(l)) ?? '';

describe('workspace images', () => {
  it('are listed with the templates that need them, present in ECR; one missing is named, and a sync brings it back', async () => {
    const clean = await read('/images status', '*Images in');
    expect(sections(clean)).toContain(
      '*Workspace images the templates need* (Coder does not say which image a template pulls: the inventory’s `templates` do)',
    );
    const base = rowOf(clean, 'workspace-base');
    expect(base).toMatch(/^✅ \*workspace-base\* `ghcr.io\/coder\/ai-workshop-workspace:2026.11`: in sync/);
    expect(base).toContain('• templates: `kubernetes`, `kubernetes-claude`');
    expect(base).toMatch(
      /• ECR `coder-workspaces\/ai-workshop-workspace:2026.11`: `sha256:[0-9a-f]{12}…`, pushed <!date\^\d+\^[^>]+> — the source’s build/,
    );

    const { deleted } = (await control(sandbox, 'images/mirror-delete', { image: 'workspace-base' })) as {
      deleted: boolean;
    };
    expect(deleted).toBe(true);
    const missing = await read('/images status', '*Images in');
    expect(sections(missing)[0]).toBe('*Images in ai.coder.com*: mirror missing');
    const row = rowOf(missing, 'workspace-base');
    expect(row).toMatch(/^❌ \*workspace-base\* .*: mirror missing/);
    expect(row).toContain('• ECR `coder-workspaces/ai-workshop-workspace:2026.11`: tag missing');
    expect(row).toContain(
      '→ new workspaces of these templates cannot pull it; `/images sync workspace-base` copies the source’s build to ECR',
    );
    // The other images are untouched.
    expect(rowOf(missing, 'coder')).toMatch(/^✅ \*coder\*/);

    const plan = await planFor(sandbox, 'operator', '/images sync workspace-base');
    const planText = plan.text + JSON.stringify(plan.blocks);
    expect(planText).toContain('coder-workspaces/ai-workshop-workspace:2026.11');
    expect(planText).toContain('New workspaces of `kubernetes`, `kubernetes-claude` pull the new build');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const thread = threadOf(sandbox, plan).map((m) => m.text);
    expect(
      thread.some((t) => t.includes('Applied and verified')),
      thread.join('\n---\n'),
    ).toBe(true);
    const back = await read('/images status', '*Images in');
    expect(rowOf(back, 'workspace-base')).toMatch(/^✅ \*workspace-base\* .*: in sync/);
    expect(e2e.leakedSecrets()).toEqual([]);
  });
});

describe('/ops status', () => {
  it('has a line per image: in sync, then the drift in a few words with what to do', async () => {
    const clean = await read('/ops status', 'Status of');
    expect(clean.text).toContain('everything matches the inventory');
    expect(imageLine(clean, 'coder')).toBe(':large_green_circle: `coder`: in sync');
    expect(imageLine(clean, 'workspace-base')).toBe(
      ':large_green_circle: `workspace-base` (workspaces of `kubernetes`, `kubernetes-claude`): in sync',
    );

    await control(sandbox, 'images/push', { image: 'coder' });
    await control(sandbox, 'images/mirror-delete', { image: 'workspace-base' });
    const drift = await read('/ops status', 'Status of');
    expect(drift.text).toContain('Status of ai.coder.com: 2 image(s) out of sync');
    expect(imageLine(drift, 'coder')).toBe(':warning: `coder`: mirror stale — `/images sync coder`');
    expect(imageLine(drift, 'workspace-base')).toBe(
      ':warning: `workspace-base` (workspaces of `kubernetes`, `kubernetes-claude`): mirror missing — `/images sync workspace-base`',
    );
  });

  it('says which read failed, by its class, when ECR keeps failing; the rest still answers', async () => {
    await control(sandbox, 'faults', { api: 'ecr', status: 503, count: 1000 });
    const status = await read('/ops status', 'Status of');
    expect(imageLine(status, 'workspace-base')).toBe(
      ':white_circle: `workspace-base` (workspaces of `kubernetes`, `kubernetes-claude`): could not tell (ECR: API error 503 — temporary, try again shortly)',
    );
    // GHCR and the clusters still answer: images without a mirror are judged as usual.
    expect(imageLine(status, 'litellm')).toBe(':large_green_circle: `litellm`: in sync');
    expect(status.text).toContain('image(s) could not be read');
    expect(status.text).toMatch(/:large_green_circle: `coder` \(coder\/coder\): 2\/2 ready/);
  });
});
