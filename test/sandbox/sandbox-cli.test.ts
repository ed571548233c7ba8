import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { postSlashCommand } from '../../src/sandbox/slack/send-to-bot.js';
import { envWithout, nodeOnlyPath, runCli } from '../demo/demo-process.js';

const root = join(import.meta.dirname, '../..');
// The sandbox under Node with tsx's loader, as `npm run sandbox` runs it, but without the tsx wrapper
// process in between: the wrapper reports a relayed SIGTERM as 143 even when the sandbox exits 0.
const sandboxCli = ['--import', 'tsx', 'src/sandbox/cli.ts'];
const dir = mkdtempSync(join(tmpdir(), 'opsbot-sandbox-cli-'));
const url = z.string().regex(/^http:\/\/127\.0\.0\.1:\d+/);

// The public contract of SANDBOX.md: every field, with its shape.
const StateFile = z
  .object({
    slack: z.object({
      eventsUrl: url,
      signingSecret: z.string().min(16),
      teamId: z.string().startsWith('T'),
      channelId: z.string().startsWith('C'),
      otherChannelId: z.string().startsWith('C'),
      users: z.object({
        admin: z.string(),
        operator: z.string(),
        operator2: z.string(),
        viewer: z.string(),
        outsider: z.string(),
      }),
      apiUrl: url,
      responseUrlBase: url,
      messagesUrl: url,
      botToken: z.string().startsWith('xoxb-'),
    }),
    kubeconfig: z.string().startsWith('/'),
    cloudflare: z.object({
      baseUrl: url,
      apiToken: z.string(),
      zones: z.object({ 'ai.coder.com': z.string().regex(/^[0-9a-f]{32}$/) }),
      dohUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/dns-query$/),
    }),
    aws: z.object({
      endpoint: url,
      accessKeyId: z.string(),
      secretAccessKey: z.string(),
      regions: z.tuple([z.literal('us-east-2'), z.literal('us-west-2'), z.literal('eu-west-2')]),
    }),
    probes: z.object({ coder: url, 'oregon-proxy': url, 'emea-proxy': url, litellm: url }).strict(),
    registries: z.object({ 'ghcr.io': url, ecr: url }),
    tls: z.object({
      address: z.string().regex(/^127\.0\.0\.1:\d+$/),
      caCert: z.string().startsWith('-----BEGIN CERTIFICATE-----'),
    }),
    controlUrl: url,
  })
  .strict();

let child: ChildProcess | undefined;
let second: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  second?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run sandbox', () => {
  it('writes state.json as SANDBOX.md says, answers signed commands, and stops everything on SIGTERM', async () => {
    child = spawn(process.execPath, sandboxCli, {
      cwd: root,
      env: { ...process.env, REDIS_URL: inject('redisUrl'), OPSBOT_SANDBOX_DIR: dir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const stateFile = join(dir, 'state.json');
    await waitFor(() => existsSync(stateFile) && output.includes('ready in'), 100_000);
    const state = StateFile.parse(JSON.parse(readFileSync(stateFile, 'utf8')));
    expect(existsSync(state.kubeconfig)).toBe(true);
    expect(output).toContain(state.controlUrl);

    const routes = (await (await fetch(state.controlUrl)).json()) as Record<string, string>;
    expect(Object.keys(routes)).toContain('POST /_sandbox/faults');
    const fields = new URLSearchParams({
      command: '/ops',
      text: 'help',
      user_id: state.slack.users.viewer,
      channel_id: state.slack.channelId,
      team_id: state.slack.teamId,
      trigger_id: `t-${Date.now()}`,
      response_url: `${state.slack.responseUrlBase}cli-test`,
    });
    const ack = await postSlashCommand(
      state.slack.eventsUrl,
      state.slack.signingSecret,
      Object.fromEntries(fields),
    );
    expect(ack.status).toBe(200);
    expect(ack.body).toContain('Your role: *viewer*');

    // A second sandbox on the same directory keeps off the running one's state: it uses <dir>/<pid>/.
    const firstState = readFileSync(stateFile, 'utf8');
    second = spawn(process.execPath, sandboxCli, {
      cwd: root,
      env: { ...process.env, REDIS_URL: inject('redisUrl'), OPSBOT_SANDBOX_DIR: dir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let secondOutput = '';
    second.stdout?.on('data', (d: Buffer) => {
      secondOutput += d.toString();
    });
    second.stderr?.on('data', (d: Buffer) => {
      secondOutput += d.toString();
    });
    await waitFor(() => secondOutput.includes('ready in'), 100_000).catch((err: Error) => {
      throw new Error(`${err.message}; the second sandbox said: ${secondOutput}`);
    });
    const own = readdirSync(dir).filter((f) => /^\d+$/.test(f));
    expect(own).toHaveLength(1);
    const secondState = StateFile.parse(JSON.parse(readFileSync(join(dir, own[0]!, 'state.json'), 'utf8')));
    expect(secondState.controlUrl).not.toBe(state.controlUrl);
    expect(secondOutput).toContain(`${join(dir, own[0]!)}/state.json (${dir} belongs to running process`);
    expect(readFileSync(stateFile, 'utf8')).toBe(firstState);
    const secondExited = new Promise<number | null>((resolve) =>
      second!.once('exit', (code) => resolve(code)),
    );
    second.kill('SIGTERM');
    expect(await secondExited).toBe(0);
    expect(existsSync(join(dir, own[0]!))).toBe(false);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(state.controlUrl)).rejects.toThrow();
    await expect(fetch(state.slack.eventsUrl, { method: 'POST' })).rejects.toThrow();
    expect(existsSync(join(dir, 'owner.pid'))).toBe(false);
  }, 240_000);

  it('says in one line how to get Redis when redis-server is missing', async () => {
    const r = await runCli([], envWithout(nodeOnlyPath()), 30_000, 'src/sandbox/cli.ts');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^opsbot sandbox: redis-server not found on PATH: install it \(.*apt-get install redis-server.*\) or set REDIS_URL=/,
      ),
    ]);
  });

  it('answers --help and a mistyped flag with the usage before starting anything', async () => {
    // No redis-server on the PATH: had either started the sandbox, it would have said so instead.
    const env = envWithout(nodeOnlyPath());
    const [help, typo, count] = await Promise.all([
      runCli(['--help'], env, 30_000, 'src/sandbox/cli.ts'),
      runCli(['--nods', '5000'], env, 30_000, 'src/sandbox/cli.ts'),
      runCli(['--nodes', '5k'], env, 30_000, 'src/sandbox/cli.ts'),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: npm run sandbox');
    expect(typo.code).toBe(2);
    expect(typo.stderr.split('\n')[0]).toBe('opsbot sandbox: unknown option --nods');
    expect(typo.stderr).toContain('usage: npm run sandbox');
    expect(count.code).toBe(2);
    expect(count.stderr.split('\n')[0]).toBe('opsbot sandbox: --nodes must be a whole number');
  });
});
