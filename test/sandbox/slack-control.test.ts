import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';

// The sandbox's public contract driven with curl, as an outside client would: acting as Slack through
// the control API, the state.json fields, and a reset that restores the registries.
const run = promisify(execFile);
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `slackctl-${randomUUID()}`,
    stateDir: null,
  });
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
});

/** `curl -X POST <controlUrl>/<route> -d <json>` → the parsed answer and HTTP status. */
async function control(
  route: string,
  body: unknown,
): Promise<{ code: number; json: Record<string, unknown> }> {
  const { stdout } = await run(
    'curl',
    [
      '-sS',
      '-X',
      'POST',
      '-w',
      '\n%{http_code}',
      `${sandbox.state.controlUrl}/${route}`,
      '-d',
      JSON.stringify(body),
    ],
    { timeout: 20_000 },
  );
  const lines = stdout.trimEnd().split('\n');
  const code = Number(lines.pop());
  return { code, json: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

interface Delivery {
  status: number;
  body: string;
  ms: number;
  retries?: { status: number; body: string; ms: number }[];
}
const delivered = (r: { json: Record<string, unknown> }) => (r.json as { result: Delivery }).result;

async function messages(): Promise<
  { ts: string; via: string; channel: string; text: string; thread_ts?: string }[]
> {
  const { stdout } = await run('curl', ['-sS', sandbox.state.slack.messagesUrl]);
  return JSON.parse(stdout);
}

describe('POST /_sandbox/slack/command and /slack/action (the sandbox acts as Slack)', () => {
  it('sends a signed slash command with a live response_url and returns the bot’s HTTP answer', async () => {
    const r = await control('slack/command', { user: 'viewer', text: '/ops help' });
    expect(r.code).toBe(200);
    const answer = delivered(r);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Your role: *viewer*');
    expect(answer.ms).toBeGreaterThan(0);
    expect(answer.retries).toBeUndefined();
  });

  it('resends it as Slack’s retry (X-Slack-Retry-Num): one job, and the retry is told so', async () => {
    const r = await control('slack/command', { user: 'viewer', text: '/ops status', retry: true });
    const answer = delivered(r);
    const jobId = /as job `([^`]+)`/.exec(answer.body)?.[1];
    expect(jobId).toBeDefined();
    expect(answer.retries).toHaveLength(1);
    expect(answer.retries![0]).toMatchObject({ status: 200 });
    expect(answer.retries![0]!.body).toContain(`Already queued \`/ops status\` as job \`${jobId}\``);
  });

  it('answers as the bot does in a channel it may not serve, and names a wrong user or channel', async () => {
    const other = delivered(
      await control('slack/command', { user: 'operator', channel: 'other', text: '/ops status' }),
    );
    expect(other.status).toBe(200);
    expect(other.body).not.toContain('as job');
    const badUser = await control('slack/command', { user: 'mallory', text: '/ops help' });
    expect(badUser.code).toBe(422);
    expect(String(badUser.json.error)).toMatch(/unknown user "mallory": give a role \(admin, operator/);
    const badChannel = await control('slack/command', {
      user: 'viewer',
      channel: '#nope',
      text: '/ops help',
    });
    expect(badChannel.code).toBe(422);
    expect(String(badChannel.json.error)).toContain('unknown channel "#nope"');
    expect((await control('slack/command', { user: 'viewer', text: 'ops help' })).code).toBe(422);
    expect((await control('slack/command', { user: 'viewer' })).code).toBe(400);
  });

  it('presses a button of a posted message by its ts, signed as a block_actions payload', async () => {
    await control('slack/command', { user: 'operator', text: '/ops notice change freeze until 18:00' });
    const plan = await sandbox.slack.waitFor(
      (m) =>
        m.via === 'chat.postMessage' &&
        m.channel === sandbox.state.slack.channelId &&
        m.text.includes('set flag `notice`'),
      20_000,
    );
    const pressed = await control('slack/action', {
      user: 'operator2',
      ts: plan.ts,
      action_id: 'plan.approve',
    });
    expect(pressed.code).toBe(200);
    expect(delivered(pressed).status).toBe(200);
    await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified'),
      20_000,
    );
    expect(
      (await messages()).some((m) => m.thread_ts === plan.ts && m.text.includes('Applied and verified')),
    ).toBe(true);
    const missing = await control('slack/action', {
      user: 'operator2',
      ts: plan.ts,
      action_id: 'no.such.button',
    });
    expect(missing.code).toBe(422);
    expect(String(missing.json.error)).toContain('no element with action_id "no.such.button"');
    expect(
      (await control('slack/action', { user: 'operator2', ts: '1.000000', action_id: 'plan.approve' })).code,
    ).toBe(422);
  }, 60_000);
});

describe('state.json carries what an outside client needs', () => {
  it('the bot token works on the Web API, the DoH URL resolves, each region and probe is listed', async () => {
    const { state } = sandbox;
    const auth = await run('curl', [
      '-sS',
      '-X',
      'POST',
      '-H',
      `authorization: Bearer ${state.slack.botToken}`,
      `${state.slack.apiUrl}auth.test`,
    ]);
    expect(JSON.parse(auth.stdout)).toMatchObject({ ok: true, team_id: state.slack.teamId });
    const doh = await run('curl', [
      '-sS',
      '-H',
      'accept: application/dns-json',
      `${state.cloudflare.dohUrl}?name=ai.coder.com&type=NS`,
    ]);
    expect(JSON.parse(doh.stdout)).toMatchObject({ Status: 0, Answer: [{ type: 2 }, { type: 2 }] });
    expect(state.aws.regions).toEqual(['us-east-2', 'us-west-2', 'eu-west-2']);
    expect(Object.keys(state.probes).sort()).toEqual(['coder', 'emea-proxy', 'litellm', 'oregon-proxy']);
    const health = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${state.probes.coder}/healthz`,
    ]);
    expect(health.stdout).toBe('200');
    const live = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${state.probes.litellm}/health/liveliness`,
    ]);
    expect(live.stdout).toBe('200');
  });
});

describe('POST /_sandbox/reset', () => {
  it('restores the registries: a pushed tag goes back to its seeded digest, in GHCR and ECR alike', async () => {
    const seeded = sandbox.sim.images.coder!;
    const ghcr = sandbox.sim.stores.ghcr;
    const ecr = sandbox.sim.stores.ecr;
    const ecrTagsBefore = ecr.tags(seeded.mirrorRepo!);
    const pushed = (await control('images/push', { image: 'coder' })).json as { result: { digest: string } };
    expect(ghcr.resolve(seeded.sourceRepo, seeded.tag)?.digest).toBe(pushed.result.digest);
    // A mirror run would copy it to ECR: do so, and add a stray tag there too.
    ecr.copyImage(ghcr, seeded.sourceRepo, seeded.tag, seeded.mirrorRepo!);
    const manifest = ecr.getManifest(seeded.mirrorRepo!, pushed.result.digest)!;
    ecr.putManifest(seeded.mirrorRepo!, manifest.bytes, manifest.mediaType, 'stray');
    expect(ecr.resolve(seeded.mirrorRepo!, seeded.tag)?.digest).toBe(pushed.result.digest);

    expect((await control('reset', {})).code).toBe(200);
    expect(ghcr.resolve(seeded.sourceRepo, seeded.tag)?.digest).toBe(seeded.digest);
    expect(ecr.resolve(seeded.mirrorRepo!, seeded.tag)?.digest).toBe(seeded.digest);
    expect(ecr.tags(seeded.mirrorRepo!)).toEqual(ecrTagsBefore);
    expect(ecr.getManifest(seeded.mirrorRepo!, pushed.result.digest)).toBeUndefined();
    // And again after a second push: the snapshot is not used up by a reset.
    await control('images/push', { image: 'coder' });
    await control('reset', {});
    expect(ghcr.resolve(seeded.sourceRepo, seeded.tag)?.digest).toBe(seeded.digest);
  });
});
