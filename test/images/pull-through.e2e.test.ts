import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { buttonsOf, planFor, threadOf } from '../scale/e2e-kit.js';
import { type E2E, useE2E } from '../support/start-e2e.js';

// `envbuilder` is mirrored through ECR's pull-through cache rule for ghcr.io (prefix `ghcr`): pulls fill and
// refresh it, so /images status says so and /images sync answers what to do instead (or copies with --force).
const kit = useE2E();
let e2e: E2E;
let sandbox: Sandbox;
// Hooks run in the order they are registered: the kit's beforeAll has started the sandbox by now.
beforeAll(() => {
  ({ e2e, sandbox } = kit);
});

const CACHE = '• mirror is an ECR pull-through cache of `ghcr.io/coder/envbuilder`';

/** `/images status` as a viewer: the envbuilder row. */
async function envbuilderRow(): Promise<string> {
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command('viewer', '/images status');
  if (ack.status !== 200) throw new Error(`ack ${ack.status}: ${ack.text}`);
  const m = await sandbox.slack.waitFor(
    (x) => x.seq > seen && x.via === 'chat.postEphemeral' && x.text.startsWith('*Images in'),
  );
  return (
    (m.blocks ?? [])
      .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
      .find((s) => s.includes('*envbuilder*')) ?? ''
  );
}

/** What a node does when a workspace starts: pull the tag through ECR (skopeo with the ECR login). */
async function pullThroughEcr(): Promise<void> {
  const ecr = new ECRClient({
    region: 'us-east-2',
    endpoint: sandbox.state.aws.endpoint,
    credentials: {
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    },
    systemClockOffset: sandbox.sim.clock.now() - Date.now(),
  });
  const out = await ecr.send(new GetAuthorizationTokenCommand({}));
  const creds = Buffer.from(out.authorizationData?.[0]?.authorizationToken ?? '', 'base64').toString();
  const host = new URL(sandbox.state.registries.ecr).host;
  await promisify(execFile)(
    'skopeo',
    [
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      creds,
      `docker://${host}/ghcr/coder/envbuilder:1.3.0`,
    ],
    { timeout: 20_000 },
  );
}

async function pushUpstream(): Promise<string> {
  const { digest } = (await control(sandbox, 'images/push', { image: 'envbuilder' })) as { digest: string };
  return digest;
}

/** `/images sync …` as an operator, answered with a refusal (no plan): the answer's text. */
async function refusal(line: string, pattern: RegExp): Promise<RecordedMessage> {
  const seen = sandbox.slack.messages().length;
  await sandbox.slack.command('operator', line);
  return sandbox.slack.waitFor((m) => m.seq > seen && pattern.test(m.text));
}

const short = (d: string) => `\`${d.slice(0, 19)}…\``;

describe('an ECR pull-through cache as the mirror', () => {
  it('the cached tag deleted (as the answer suggests), the next pull fetches upstream; --force copies anyway', async () => {
    const upstream = await pushUpstream();
    await control(sandbox, 'images/mirror-delete', { image: 'envbuilder' });
    const missing = await envbuilderRow();
    expect(missing).toMatch(/: mirror missing/);
    expect(missing).toContain(`${CACHE}: not pulled yet, the first pull fills it`);
    const answer = await refusal('/images sync envbuilder', /pull-through cache/);
    expect(answer.text).toContain('`1.3.0` is not cached yet: the first pull of');
    await pullThroughEcr();
    expect(await envbuilderRow()).toContain(`• ECR \`ghcr/coder/envbuilder:1.3.0\`: ${short(upstream)}`);

    const again = await pushUpstream();
    const plan = await planFor(sandbox, 'operator', '/images sync envbuilder --force');
    expect(plan.text + JSON.stringify(plan.blocks)).toContain(
      'is a pull-through cache of `ghcr.io/coder/envbuilder` (`--force`): this pushes the build into it now',
    );
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const thread = threadOf(sandbox, plan).map((m) => m.text);
    expect(
      thread.some((t) => t.includes('Applied and verified')),
      thread.join('\n---\n'),
    ).toBe(true);
    const forced = await envbuilderRow();
    expect(forced).toMatch(/^✅ \*envbuilder\* .*: in sync/);
    expect(forced).toContain(`• ECR \`ghcr/coder/envbuilder:1.3.0\`: ${short(again)}`);
    expect(e2e.leakedSecrets()).toEqual([]);
  });

  // Last: it moves the simulated clock a day on, which the bot's AWS clients then take as the time.
  it('status names the cache; a stale cached tag is explained, sync says what to do, a pull a day later refreshes it', async () => {
    const clean = await envbuilderRow();
    expect(clean).toMatch(/^✅ \*envbuilder\* `ghcr.io\/coder\/envbuilder:1.3.0`: in sync/);
    expect(clean).toContain(CACHE);

    const upstream = await pushUpstream();
    const stale = await envbuilderRow();
    expect(stale).toMatch(/^❌ \*envbuilder\* .*: mirror stale/);
    expect(stale).toContain(
      `${CACHE}: the cached tag lags until ECR re-checks upstream (on a pull, at most once every 24 h)`,
    );
    expect(stale).toContain('→ nothing to sync: a pull refreshes it');

    const answer = await refusal('/images sync envbuilder', /pull-through cache/);
    expect(answer.text).toContain(
      'ECR `ghcr/coder/envbuilder` is a pull-through cache of `ghcr.io/coder/envbuilder`: ECR fills it from upstream when it is pulled, so there is nothing to copy.',
    );
    expect(answer.text).toContain(`the source's is ${short(upstream)}`);
    expect(answer.text).toContain(
      '`aws ecr batch-delete-image --region us-east-2 --repository-name ghcr/coder/envbuilder --image-ids imageTag=1.3.0`',
    );
    expect(answer.text).toContain('`/images sync envbuilder --force`');
    expect(buttonsOf(answer)).toEqual([]);

    // Within the day ECR serves the cached tag without asking upstream; after it, a pull refreshes it.
    await pullThroughEcr();
    expect(await envbuilderRow()).toMatch(/: mirror stale/);
    await control(sandbox, 'clock/advance', { by: '25h' });
    await pullThroughEcr();
    const refreshed = await envbuilderRow();
    expect(refreshed).toMatch(/^✅ \*envbuilder\* .*: in sync/);
    expect(refreshed).toContain(`• ECR \`ghcr/coder/envbuilder:1.3.0\`: ${short(upstream)}`);
  });
});
