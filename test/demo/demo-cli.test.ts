import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { envWithout, isRunning, nodeOnlyPath, recordingRedisPath, root, runCli } from './demo-process.js';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe('npm run demo -- --exec', () => {
  it('runs the lines through the real signed path, presses buttons, prints the transcript and exits 0', async () => {
    const { stdout, code } = await runCli(
      [
        '--exec',
        '/ops notice "freeze until 18:00"',
        '--exec',
        'click 1',
        '--exec',
        'as viewer',
        '--exec',
        '/ops notice clear',
      ],
      { ...process.env, REDIS_URL: inject('redisUrl') },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('operator@#ops> /ops notice "freeze until 18:00"');
    expect(stdout).toMatch(
      /Plan `p-[0-9a-f]+` in ai\.coder\.com · set flag `notice` to "freeze until 18:00"/,
    );
    expect(stdout).toContain('[1 Approve]  [2 Cancel]');
    expect(stdout).toContain('pressed [Approve]');
    expect(stdout).toContain('Applied and verified: set flag `notice` to "freeze until 18:00"');
    expect(stdout).toContain('viewer@#ops> /ops notice clear');
    expect(stdout).toContain('needs the operator role; you are viewer. Nothing was done.');
  }, 150_000);

  it('answers --help, a bad flag, an unknown user or channel with the usage before starting anything', async () => {
    const redis = recordingRedisPath();
    const env = envWithout(redis.path);
    const [help, flag, user, channel, stray] = await Promise.all([
      runCli(['--help'], env),
      runCli(['--exce', '/ops status'], env),
      runCli(['--as', 'root', '--exec', '/ops status'], env),
      runCli(['--in', 'general'], env),
      runCli(['/ops status'], env),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: npm run demo');
    for (const [r, reason] of [
      [flag, 'opsbot demo: unknown option --exce'],
      [user, 'opsbot demo: unknown user "root": one of admin, operator, operator2, viewer, outsider'],
      [channel, 'opsbot demo: unknown channel "general" for --in: one of ops, other, random'],
      [stray, "opsbot demo: unexpected argument /ops status: give shell lines with --exec '<line>'"],
    ] as const) {
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(reason);
      expect(r.stderr).toContain('usage: npm run demo');
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.stdout).toBe('');
    }
    // Answered before anything started: no redis-server was launched for any of them.
    expect(redis.pids()).toEqual([]);
  }, 90_000);

  it('says in one line how to get Redis when redis-server is missing or REDIS_URL answers nothing', async () => {
    const [missing, unreachable] = await Promise.all([
      runCli(['--exec', '/ops status'], envWithout(nodeOnlyPath())),
      runCli(['--exec', '/ops status'], { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^opsbot demo: redis-server not found on PATH: install it \(.*apt-get install redis-server.*\) or set REDIS_URL=/,
      ),
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toEqual([
      'opsbot demo: nothing answers at REDIS_URL (127.0.0.1:1): start Redis there, or unset REDIS_URL to start a local redis-server',
    ]);
  }, 60_000);

  it('exits 1 at the first failing line, writes no state, and leaves no redis-server behind', async () => {
    const redis = recordingRedisPath();
    const stateDir = mkdtempSync(join(tmpdir(), 'opsbot-demo-state-'));
    const r = await runCli(['--exec', 'help', '--exec', 'as root', '--exec', '/ops status'], {
      ...envWithout(redis.path),
      OPSBOT_SANDBOX_DIR: stateDir,
    });
    expect(r.stdout).toContain('unknown user "root": one of admin, operator, operator2, viewer, outsider');
    expect(r.stdout).not.toContain('> /ops status');
    expect(r.stderr).toContain('opsbot demo: --exec line 2 failed: unknown user "root"');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(1);
    const [pid] = redis.pids();
    expect(pid).toBeGreaterThan(0);
    expect(isRunning(pid!)).toBe(false);
    expect(readdirSync(stateDir)).toEqual([]);
  }, 120_000);

  it('runs the README example as written', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /`npm run demo -- (--exec [^`]+)`/.exec(readme)?.[1];
    expect(example).toBeDefined();
    // The example's words, single-quoted as a shell would take them.
    const args = [...example!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const r = await runCli(args, { ...process.env, REDIS_URL: inject('redisUrl') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pressed [Approve]');
  }, 120_000);
});
