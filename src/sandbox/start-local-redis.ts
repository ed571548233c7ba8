import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface LocalRedis {
  url: string;
  /** The redis-server's process id (tests check it is gone after the CLI exits). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** redis-server is missing or would not start: a one-line message for the person at the terminal. */
export class LocalRedisError extends Error {
  override name = 'LocalRedisError';
}

export const REDIS_HELP =
  'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:port to use a running Redis';

export const REDIS_SERVER_MISSING = `redis-server not found on PATH: ${REDIS_HELP}`;

/** Where `redis-server` is on PATH, if anywhere: checked first so a missing one is said at once. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port (used when REDIS_URL is unset):
 * no persistence, `noeviction` as BullMQ requires, removed on stop.
 */
export async function startLocalRedis(timeoutMs = 10_000): Promise<LocalRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', cwd: dir },
  );
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('error', (err) => {
    spawnError = err;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(port))) {
    if (spawnError || child.exitCode !== null) {
      await stop();
      throw new LocalRedisError(
        spawnError?.code === 'ENOENT'
          ? REDIS_SERVER_MISSING
          : `redis-server could not start (${spawnError?.message ?? `exit code ${child.exitCode}`}): ${REDIS_HELP}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new LocalRedisError(`redis-server did not start within ${timeoutMs} ms: ${REDIS_HELP}`);
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port')),
      );
    });
  });
}

/**
 * Undefined when something listens at REDIS_URL's host and port; otherwise one line saying what to
 * do, so the CLIs answer at once instead of a bot retrying its connection forever.
 */
export async function checkRedisUrl(url: string, timeoutMs = 3_000): Promise<string | undefined> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    if (!/^rediss?:$/.test(parsed.protocol)) throw new Error('not redis:');
    host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    port = Number(parsed.port || 6379);
  } catch {
    return `REDIS_URL "${url}" is not a redis:// URL (e.g. redis://127.0.0.1:6379); or unset it to start a local redis-server`;
  }
  if (await canConnect(port, host, timeoutMs)) return undefined;
  return `nothing answers at REDIS_URL (${host}:${port}): start Redis there, or unset REDIS_URL to start a local redis-server`;
}

function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, host);
    sock.setTimeout(timeoutMs, () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('connect', () => {
      sock.end();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}
