import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sandbox } from '../../../src/sandbox/start-sandbox.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'test/chaos/fixtures/chaos-worker.ts');

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL: no drain, no lock release, in-flight requests cut. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the graceful drain of src/main.ts), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The worker role in its own process, configured only through the environment of a production bot
 * against this sandbox (`sandbox.botEnv`). Resolves when it is consuming jobs.
 */
export async function startWorkerProcess(
  sandbox: Sandbox,
  opts: { prefix: string; lockMs: number; logFile: string; timeoutMs?: number },
): Promise<WorkerProcess> {
  const fd = openSync(opts.logFile, 'a');
  const child = fork(ENTRY, [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...sandbox.botEnv,
      OPSBOT_ROLE: 'worker',
      PORT: '0',
      REDIS_PREFIX: opts.prefix,
      LOG_LEVEL: 'warn',
      AWS_ACCESS_KEY_ID: sandbox.state.aws.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.state.aws.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      CHAOS_LOCK_MS: String(opts.lockMs),
    },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`worker process not ready in ${opts.timeoutMs ?? 30_000} ms (log: ${opts.logFile})`));
    }, opts.timeoutMs ?? 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      ready();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`worker process exited (${code ?? signal}) before it was ready (log: ${opts.logFile})`));
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 20_000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
