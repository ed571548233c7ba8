import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findRedisServer } from '../../src/sandbox/start-local-redis.js';

export const root = join(import.meta.dirname, '../..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `npm run demo -- <args>` (or `npm run sandbox` with `script`) as a child process, env replacing ours. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  script = 'src/demo/cli.ts',
): ChildProcessWithoutNullStreams & {
  output(): { stdout: string; stderr: string };
  finished: Promise<Finished>;
} {
  const started = Date.now();
  // One process (Node with tsx's loader), not tsx's wrapper: a kill on timeout then leaves no orphan running.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { LOG_LEVEL: 'error', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const finished = new Promise<Finished>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
  return Object.assign(child, { output: () => ({ stdout, stderr }), finished });
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
  script = 'src/demo/cli.ts',
): Promise<Finished> {
  const child = spawnCli(args, env, script);
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return child.finished.finally(() => clearTimeout(timer));
}

/** Our environment without REDIS_URL (so the CLI starts its own redis-server) and with `path` as PATH. */
export function envWithout(path?: string): NodeJS.ProcessEnv {
  const { REDIS_URL: _, ...env } = process.env;
  return path === undefined ? env : { ...env, PATH: path };
}

/** A PATH whose `redis-server` records its pid before becoming the real one: who started it, is it gone. */
export function recordingRedisPath(): { path: string; pids(): number[] } {
  const real = findRedisServer();
  if (!real) throw new Error('redis-server is needed on PATH for these tests');
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-redis-bin-'));
  const pidsFile = join(dir, 'pids');
  writeFileSync(pidsFile, '');
  const wrapper = join(dir, 'redis-server');
  writeFileSync(wrapper, `#!/bin/sh\necho $$ >> '${pidsFile}'\nexec '${real}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return {
    path: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    pids: () =>
      readFileSync(pidsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l)),
  };
}

/** A PATH with node and nothing else (no redis-server). */
export function nodeOnlyPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-node-only-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitFor(pred: () => boolean, ms: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
