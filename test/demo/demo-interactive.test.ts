import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  envWithout,
  isRunning,
  recordingRedisPath,
  type spawnCli as SpawnCli,
  spawnCli,
  waitFor,
} from './demo-process.js';

let child: ReturnType<typeof SpawnCli> | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
});

describe('npm run demo (the interactive shell, input piped)', () => {
  it('prints messages posted later while it waits at the prompt, and keeps off a running sandbox’s state', async () => {
    // A sandbox (this test process stands in for it) owns the state directory and its state.json.
    const stateDir = mkdtempSync(join(tmpdir(), 'opsbot-demo-owned-'));
    writeFileSync(join(stateDir, 'owner.pid'), `${process.pid}\n`);
    writeFileSync(join(stateDir, 'state.json'), '{"theirs":true}\n');

    child = spawnCli([], { ...process.env, REDIS_URL: inject('redisUrl'), OPSBOT_SANDBOX_DIR: stateDir });
    const out = () => child!.output().stdout;
    child.stdin.write('/scale provisioners 8 --for 1h --reason "live"\nas operator2\nclick 1\n');
    await waitFor(
      () => /Reverts automatically[\s\S]*\[3 Undo\]\noperator2@#ops> $/.test(out()),
      90_000,
      'apply',
    );

    // The demo wrote its own state (this is how an outside client finds its control API).
    const own = readdirSync(stateDir).filter((f) => /^\d+$/.test(f));
    expect(own).toHaveLength(1);
    expect(out()).toContain(
      `State (endpoints, credentials, kubeconfig): ${join(stateDir, own[0]!)}/state.json`,
    );
    const state = JSON.parse(readFileSync(join(stateDir, own[0]!, 'state.json'), 'utf8')) as {
      controlUrl: string;
    };
    expect(readFileSync(join(stateDir, 'state.json'), 'utf8')).toBe('{"theirs":true}\n');

    // Time moves from outside (the control API), nobody types: the revert shows up on its own.
    const idle = out().length;
    const res = await fetch(`${state.controlUrl}/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ by: '1h' }),
    });
    expect(res.status).toBe(200);
    await waitFor(
      () => out().includes('Applied and verified: scale `provisioners` to 6 (scheduled revert)'),
      60_000,
      'revert',
    );
    const arrived = out().slice(idle);
    expect(arrived).toMatch(/^\n {2}┌ opsbot posted in #ops-audit/);
    expect(arrived).toMatch(/Revert of plan .* scale `provisioners` to 6 \(scheduled revert\)/);
    await waitFor(() => out().endsWith('[4 Undo]\noperator2@#ops> '), 10_000, 'prompt again');

    child.stdin.end();
    const done = await child.finished;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    // Its own directory is gone, the owner's state untouched.
    expect(existsSync(join(stateDir, own[0]!))).toBe(false);
    expect(readFileSync(join(stateDir, 'state.json'), 'utf8')).toBe('{"theirs":true}\n');
    expect(readFileSync(join(stateDir, 'owner.pid'), 'utf8')).toBe(`${process.pid}\n`);
  }, 180_000);

  it('stops its redis-server and gives its state directory back on Ctrl-C', async () => {
    const redis = recordingRedisPath();
    const stateDir = mkdtempSync(join(tmpdir(), 'opsbot-demo-sigint-'));
    child = spawnCli([], { ...envWithout(redis.path), OPSBOT_SANDBOX_DIR: stateDir });
    await waitFor(() => child!.output().stdout.endsWith('operator@#ops> '), 90_000, 'the prompt');
    expect(readFileSync(join(stateDir, 'owner.pid'), 'utf8')).toMatch(/^\d+\n$/);
    const [pid] = redis.pids();
    expect(isRunning(pid!)).toBe(true);
    child.kill('SIGINT');
    const done = await child.finished;
    expect(done.code).toBe(130);
    expect(done.stderr).toBe('');
    expect(isRunning(pid!)).toBe(false);
    expect(existsSync(join(stateDir, 'owner.pid'))).toBe(false);
  }, 120_000);
});
