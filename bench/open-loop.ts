import { type ChildProcess, fork, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startLocalRedis } from '../src/sandbox/start-local-redis.js';
import { startSandbox } from '../src/sandbox/start-sandbox.js';
import type { LoadResult, LoadRun } from './open-loop-client.js';

// OPEN LOOP, as deployed: the web role (OPSBOT_ROLE=web, production env of the sandbox) in its own process,
// the worker role in another, the simulated Slack/AWS/Cloudflare/Coder and Redis in others still, and the
// load generator in its own. RATE signed slash commands per second on a fixed schedule for WARMUP_S + SECONDS,
// first against a bare node:http handler (own process) that verifies the signature and answers, then against
// the web role. Latency is taken from each request's scheduled send time (no coordinated omission).
// A measurement: it prints PASS/MISS per target and exits 0 either way.
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
/** `tsx` (default: src/main.ts through tsx) or `dist` (node dist/src/main.js, as the image runs it; build first). */
const ENTRY = process.env.BENCH_ENTRY ?? 'tsx';
/** A directory for a V8 CPU profile of the web role (`--cpu-prof`); off by default. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** `off` leaves the worker out (jobs pile up in Redis): shows what the web role costs without the worker's load. */
const WITH_WORKER = process.env.BENCH_WORKER !== 'off';
/**
 * `pods` (default): the measured handler (bare or web role) and the load generator keep normal priority,
 * the worker, the simulated cloud and Redis run at nice 10 — on one 2-core machine, the nearest thing to
 * separate pods with their own CPU requests, as deployed. `shared`: everything at the same priority.
 */
const PRIORITY = process.env.BENCH_PRIORITY === 'shared' ? 'shared' : 'pods';
const TARGET_P99_MS = 20;
const TARGET_RATIO = 5;
const ROOT = resolve(import.meta.dirname, '..');
const TSX = ['--import', 'tsx'];

// Mostly reads, some plan-making commands (1 in 10).
const MIX: [string, string][] = [
  ['/ops', 'status'],
  ['/rotation', 'status'],
  ['/dns', 'list'],
  ['/ops', 'status'],
  ['/rotation', 'status'],
  ['/dns', 'list'],
  ['/ops', 'status'],
  ['/rotation', 'status'],
  ['/dns', 'list'],
  ['/scale', 'provisioners:demo 3'],
];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

async function waitForHealthy(base: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${log} exited with ${child.exitCode}:\n${readFileSync(log, 'utf8')}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`never became healthy:\n${readFileSync(log, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function forkWithIpc<T>(
  script: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; first: T }> {
  const child = fork(join(ROOT, script), ['--serve'], {
    cwd: ROOT,
    execArgv: TSX,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((ok, fail) => {
    child.once('message', (first) => ok({ child, first: first as T }));
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

const work = mkdtempSync(join(tmpdir(), 'opsbot-bench-'));
const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const prefix = `bench-open-${process.pid}`;
const sandbox = await startSandbox({
  redisUrl: process.env.REDIS_URL ?? redis!.url,
  redisPrefix: `${prefix}-sim`,
  stateDir: null,
  withBot: false,
  logLevel: 'info', // helm's default
});
const { slack } = sandbox.state;
const children: ChildProcess[] = [];

/** One opsbot role as its own process, configured only through the environment, as in the image. */
async function startRole(role: 'web' | 'worker'): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const log = join(work, `${role}.log`);
  const fd = openSync(log, 'a');
  const args =
    ENTRY === 'dist'
      ? ['--enable-source-maps', join(ROOT, 'dist/src/main.js')]
      : ['--enable-source-maps', ...TSX, join(ROOT, 'src/main.ts')];
  if (role === 'web' && PROFILE_DIR) args.unshift('--cpu-prof', `--cpu-prof-dir=${resolve(PROFILE_DIR)}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: dirname(process.execPath),
      HOME: work,
      NODE_ENV: 'production',
      ...sandbox.botEnv,
      OPSBOT_ROLE: role,
      PORT: String(port),
      REDIS_PREFIX: prefix,
      AWS_ACCESS_KEY_ID: sandbox.state.aws.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.state.aws.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  await waitForHealthy(base, child, log);
  return { base, child };
}

function commands(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const [command, text] = MIX[i % MIX.length]!;
    const fields = sandbox.sim.slack.newSlashCommand({
      command,
      text,
      userId: slack.users.operator!,
      channelId: slack.channelId,
    });
    return new URLSearchParams(fields).toString();
  });
}

interface Row {
  name: string;
  p50: number;
  p99: number;
  max: number;
  lagP99: number;
  /** CPU ms per command (warm-up included) of the handler, the worker, the load generator and the sandbox. */
  cpu: { server: number; worker: number; generator: number; sandbox: number };
  errors: number;
  statuses: Record<string, number>;
  perSecond: number;
}

try {
  const worker = WITH_WORKER ? await startRole('worker') : undefined;
  const web = await startRole('web');
  const bare = await forkWithIpc<{ port: number }>('bench/bare-server.ts', {
    BENCH_SIGNING_SECRET: slack.signingSecret,
  });
  children.push(bare.child);
  const loader = fork(join(ROOT, 'bench/open-loop-client.ts'), ['--serve'], {
    cwd: ROOT,
    execArgv: TSX,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(loader);
  if (PRIORITY === 'pods')
    // After the handlers and the generator were started (children inherit their parent's niceness).
    for (const pid of [worker?.child.pid, redis?.pid, process.pid])
      if (pid !== undefined) setPriority(pid, 10);
  const load = (url: string): Promise<LoadResult> =>
    new Promise((ok) => {
      loader.once('message', (r) => ok(r as LoadResult));
      const run: LoadRun = {
        url,
        signingSecret: slack.signingSecret,
        bodies: commands(RATE * (WARMUP_S + SECONDS)),
        rate: RATE,
        warmup: RATE * WARMUP_S,
        timeoutMs: 10_000,
      };
      loader.send(run);
    });

  const rows: Row[] = [];
  for (const [name, url, server] of [
    [
      'bare node:http (own process: verify + answer)',
      `http://127.0.0.1:${bare.first.port}/slack/events`,
      bare.child.pid,
    ],
    [
      `opsbot web role (own process, ${WITH_WORKER ? 'worker beside' : 'NO worker'})`,
      `${web.base}/slack/events`,
      web.child.pid,
    ],
  ] as const) {
    const pids = { server, worker: worker?.child.pid, generator: loader.pid, sandbox: process.pid };
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
    const r = await load(url);
    const total = RATE * (WARMUP_S + SECONDS);
    const cpu = Object.fromEntries(
      Object.entries(pids).map(([k, pid]) => [k, (cpuMs(pid) - before[k]!) / total]),
    ) as Row['cpu'];
    const sorted = r.latencies.toSorted((a, b) => a - b);
    rows.push({
      name,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? Number.NaN,
      lagP99: percentile(
        r.sendLag.toSorted((a, b) => a - b),
        0.99,
      ),
      errors: r.errors,
      statuses: r.statuses,
      perSecond: r.latencies.length / r.seconds,
      cpu,
    });
    await new Promise((r) => setTimeout(r, 500));
  }

  console.log(
    `\nOPEN LOOP, as deployed: ${RATE} signed slash commands/s on a fixed schedule for ${SECONDS} s after ${WARMUP_S} s warm-up,` +
      `\nlatency from each scheduled send time; web role, worker, sandbox, Redis, bare handler and load generator are` +
      `\nseparate processes on one ${availableParallelism()}-core machine${PRIORITY === 'pods' ? ' (worker, simulated cloud and Redis at nice 10, as separate pods with their own CPU: BENCH_PRIORITY=shared to compare)' : ' (all at one priority)'}; mix: ${MIX.map(([c, t]) => `${c} ${t}`).join(', ')}\n`,
  );
  console.log(
    'handler                                          p50 ms   p99 ms   max ms  done/s  gen lag p99  errors',
  );
  for (const r of rows)
    console.log(
      `${r.name.padEnd(47)} ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}  ${r.max.toFixed(1).padStart(7)}  ${r.perSecond.toFixed(0).padStart(6)}  ${r.lagP99.toFixed(2).padStart(8)} ms  ${String(r.errors).padStart(6)}${r.errors ? ` ${JSON.stringify(r.statuses)}` : ''}`,
    );
  console.log('\nCPU ms per command (user+sys, warm-up included)   handler   worker  generator  sandbox');
  for (const r of rows)
    console.log(
      `${r.name.padEnd(47)} ${[r.cpu.server, r.cpu.worker, r.cpu.generator, r.cpu.sandbox].map((v) => v.toFixed(2).padStart(9)).join('  ')}`,
    );
  const [b, o] = rows as [Row, Row];
  const ratio = o.p99 / b.p99;
  console.log(
    `\nratio web role / bare: p50 ${(o.p50 / b.p50).toFixed(1)}x, p99 ${ratio.toFixed(1)}x, max ${(o.max / b.max).toFixed(1)}x`,
  );
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log(
    `target: ack p99 <= ${TARGET_P99_MS} ms            ${verdict(o.p99 <= TARGET_P99_MS && o.errors === 0)} (${o.p99.toFixed(2)} ms${o.errors ? `, ${o.errors} errors` : ''})`,
  );
  console.log(
    `target: ack p99 <= ${TARGET_RATIO}x bare p99        ${verdict(ratio <= TARGET_RATIO)} (${ratio.toFixed(1)}x of ${b.p99.toFixed(2)} ms)`,
  );
  if (PROFILE_DIR) console.log(`web role CPU profile: ${resolve(PROFILE_DIR)} (written when it exits)`);
} finally {
  // Web first (stops taking commands), then the worker (drains what it is running); the backlog is discarded.
  for (const child of children.toReversed()) await stopChild(child);
  await sandbox.close();
  await redis?.stop();
  if (!process.env.BENCH_KEEP_LOGS) rmSync(work, { recursive: true, force: true });
  else console.log(`role logs: ${work}`);
}
process.exit(0);
