import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { buttonsOf, planFor, threadOf } from '../scale/e2e-kit.js';
import { type E2E, useE2E } from '../support/start-e2e.js';

const kit = useE2E();
let e2e: E2E;
let sandbox: Sandbox;
// Hooks run in the order they are registered: the kit's beforeAll has started the sandbox by now.
beforeAll(() => {
  ({ e2e, sandbox } = kit);
});

/** Runs `/images status` as a viewer and returns the ephemeral answer (text and blocks). */
async function status(line = '/images status'): Promise<string> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command('viewer', line);
  if (ack.status !== 200) throw new Error(`ack ${ack.status}: ${ack.text}`);
  const m = await sandbox.slack.waitFor(
    (x) => x.seq > seen && x.via === 'chat.postEphemeral' && x.text.startsWith('*Images in'),
  );
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}

const coderRow = (text: string) => text.split('\n\n').find((s) => s.includes('*coder*')) ?? '';
const short = (d: string) => `\`${d.slice(0, 19)}…\``;

/** The mirror's digest as an outside tool sees it: skopeo with the ECR login from GetAuthorizationToken. */
async function skopeoDigest(ref: string): Promise<string> {
  const ecr = new ECRClient({
    region: 'us-east-2',
    endpoint: sandbox.state.aws.endpoint,
    credentials: {
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    },
  });
  const out = await ecr.send(new GetAuthorizationTokenCommand({}));
  const creds = Buffer.from(out.authorizationData?.[0]?.authorizationToken ?? '', 'base64').toString();
  const host = new URL(sandbox.state.registries.ecr).host;
  const { stdout } = await promisify(execFile)(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${host}/${ref}`],
    { timeout: 10_000 },
  );
  const { createHash } = await import('node:crypto');
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

describe('/images', () => {
  it('status: all in sync at start, then a stale mirror and a diverged proxy are named', async () => {
    const clean = await status();
    expect(clean).toContain('*Images in ai.coder.com*: all in sync');
    expect(coderRow(clean)).toMatch(/✅ \*coder\* `ghcr.io\/coder\/coder-preview:v2.28.0`: in sync/);
    expect(coderRow(clean)).toContain('(index; `linux/amd64`');
    expect(coderRow(clean)).toMatch(/`proxy:us-west-2` \(us-west-2\): `sha256:[0-9a-f]{12}…` ×2 — ok/);

    const { digest: upstream } = (await control(sandbox, 'images/push', { image: 'coder' })) as {
      digest: string;
    };
    const { digest: diverged } = (await control(sandbox, 'images/diverge', { cluster: 'us-west-2' })) as {
      digest: string;
    };
    await sandbox.sim.kube.control.settled('us-west-2');
    const drift = coderRow(await status());
    expect(drift).toMatch(/^❌ \*coder\* .*: mirror stale, cluster behind/);
    expect(drift).toContain(`• source: ${short(upstream)}`);
    expect(drift).toContain(`\`proxy:us-west-2\` (us-west-2): ${short(diverged)} ×2 — *behind*`);
    expect(drift).toMatch(/`coder` \(us-east-2\): `sha256:[0-9a-f]{12}…` ×2 — ok/);
    expect(e2e.leakedSecrets()).toEqual([]);
  });

  it('sync: plan → approve copies GHCR to ECR byte for byte; status then shows the mirror current', async () => {
    const { digest: upstream } = (await control(sandbox, 'images/push', { image: 'coder' })) as {
      digest: string;
    };
    const plan = await planFor(sandbox, 'operator', '/images sync');
    expect(plan.text + JSON.stringify(plan.blocks)).toContain('coder-preview:v2.28.0');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const thread = threadOf(sandbox, plan).map((m) => m.text);
    expect(thread.some((t) => t.includes('Applied and verified') && t.includes(upstream.slice(0, 19)))).toBe(
      true,
    );
    expect(await skopeoDigest('coder-preview:v2.28.0')).toBe(upstream);
    // Progress: one message in the thread, edited to its final line (blobs, bytes, throughput).
    expect(
      thread.some((t) => /Copied `coder-preview:v2\.28\.0`: (\d+)\/\1 blobs, [\d.]+ MB sent/.test(t)),
    ).toBe(true);
    const progress = sandbox.slack
      .messages()
      .filter((m) => m.thread_ts === plan.ts && /Cop(y|ied)/.test(m.text));
    expect(new Set(progress.map((m) => m.ts)).size).toBe(1);

    const after = coderRow(await status());
    expect(after).not.toContain('mirror stale');
    expect(after).toContain(`• source: ${short(upstream)}`);
    expect(after).toMatch(
      new RegExp(
        `• ECR \`coder-preview:v2.28.0\`: ${short(upstream).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    // The pods still run the old build until they restart.
    expect(after).toContain('cluster behind');

    // A second sync has nothing to do: refused in the plan.
    const seen = sandbox.slack.messages().length;
    await sandbox.slack.command('operator', '/images sync coder');
    const refusal = await sandbox.slack.waitFor((m) => m.seq > seen && /nothing to sync/.test(m.text));
    expect(buttonsOf(refusal)).toEqual([]);
  });
});
