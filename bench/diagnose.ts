import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalRedis } from '../src/sandbox/start-local-redis.js';
import { bundleForNode } from './bundle.js';
import { workerHeapOptions } from './worker-heap.js';

// DIAGNOSE AT SCALE: one cluster of the sandbox seeded with NODES nodes and PODS pods (its own process),
// then `/diagnose all`'s job in a fresh worker process (its own process, so its peak RSS is the job's),
// then `kubectl get pods -A --chunk-size=500 -o json` against the same API server in the same run.
// Targets: the job's wall time ≤ kubectl's, the job's peak RSS ≤ 300 MB. Prints PASS/MISS, exits 0.
// BENCH_KUBECTL=off measures the job alone (for profiling).
const NODES = Number(process.env.BENCH_NODES ?? 5_000);
const PODS = Number(process.env.BENCH_PODS ?? 150_000);
const CLUSTER = process.env.BENCH_CLUSTER ?? 'us-east-2';
/**
 * Per-check deadline (default 120 s, so every check completes and the wall time is that of a complete
 * diagnosis); the table says which checks would outlast production's 9 s. `0` runs with production's.
 */
const DEADLINE_MS = Number(process.env.BENCH_DIAGNOSE_DEADLINE_MS ?? 120_000);
const PRODUCTION_DEADLINE_MS = 9_000;
const TARGET_RSS_MB = 300;
const ROOT = resolve(import.meta.dirname, '..');
const TSX = ['--import', 'tsx'];

const JOB_NODE_OPTIONS = process.env.BENCH_JOB_NODE_OPTIONS ?? workerHeapOptions();

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((ok) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => ok({ code, out, err }));
  });
}

async function startSandboxChild(
  dir: string,
): Promise<{ child: ChildProcess; seedMs: number; rssMB: number }> {
  const child = spawn(
    process.execPath,
    [...TSX, 'bench/diagnose-sandbox.ts', dir, String(NODES), String(PODS), CLUSTER],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const ready = join(dir, 'ready.json');
  const deadline = Date.now() + 300_000;
  while (!existsSync(ready)) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('the sandbox was not ready within 5 min');
    await new Promise((r) => setTimeout(r, 200));
  }
  const { seedMs, rssMB } = JSON.parse(readFileSync(ready, 'utf8')) as { seedMs: number; rssMB: number };
  return { child, seedMs, rssMB };
}

const fmt = (n: number, unit: string) => `${n >= 100 ? Math.round(n) : n.toFixed(1)} ${unit}`;

const dir = mkdtempSync(join(tmpdir(), 'opsbot-bench-diagnose-'));
const redis = process.env.REDIS_URL ? undefined : await startLocalRedis();
const redisUrl = process.env.REDIS_URL ?? redis!.url;
let sandbox: ChildProcess | undefined;
try {
  console.log(
    `\nDIAGNOSE AT SCALE: ${CLUSTER} seeded with ${NODES.toLocaleString('en')} nodes / ${PODS.toLocaleString('en')} pods (${availableParallelism()} cores)\n`,
  );
  const sb = await startSandboxChild(dir);
  sandbox = sb.child;
  console.log(`sandbox ready: seeded in ${fmt(sb.seedMs / 1000, 's')}, sandbox RSS ${fmt(sb.rssMB, 'MB')}`);
  console.log(`job's node options: ${JOB_NODE_OPTIONS || '(none: V8 sized for this machine)'}`);

  // Compiled, as the worker runs it (see bundle.ts).
  const bundle = await bundleForNode('diagnose-job.ts');
  const job = await run(process.execPath, [bundle, join(dir, 'ready.json')], {
    ...process.env,
    REDIS_URL: redisUrl,
    BENCH_DIAGNOSE_DEADLINE_MS: String(DEADLINE_MS),
    NODE_OPTIONS: JOB_NODE_OPTIONS,
  });
  const line = job.out.trim().split('\n').at(-1) ?? '';
  if (job.code !== 0 || !line.startsWith('{'))
    throw new Error(`the job failed (${job.code}):\n${job.out}${job.err}`);
  const r = JSON.parse(line) as {
    wallMs: number;
    peakRssMB: number;
    rssBeforeMB: number;
    sampledMB: Record<string, number>;
    beforeMB: Record<string, number>;
    statuses: Record<string, string>;
    checkMs: Record<string, number>;
  };

  if (process.env.BENCH_KUBECTL === 'off') {
    console.log(
      `job only: wall ${fmt(r.wallMs / 1000, 's')}, peak RSS ${fmt(r.peakRssMB, 'MB')}, before ${JSON.stringify(r.beforeMB)}, peaks ${JSON.stringify(r.sampledMB)}, ${JSON.stringify(r.statuses)}, ${JSON.stringify(r.checkMs)}`,
    );
    process.exitCode = 0;
  } else {
    const kubeconfig = join(dir, 'kubeconfig');
    const args = [
      '--kubeconfig',
      kubeconfig,
      '--context',
      CLUSTER,
      'get',
      'pods',
      '-A',
      '--chunk-size=500',
      '-o',
      'json',
    ];
    // /usr/bin/time reports kubectl's own peak RSS; its JSON goes to /dev/null (no disk in the figure).
    const k = await run(
      '/usr/bin/time',
      ['-f', 'BENCH %e %M', 'sh', '-c', `kubectl ${args.join(' ')} > /dev/null`],
      process.env,
    );
    const m = /BENCH ([\d.]+) (\d+)/.exec(k.err);
    if (k.code !== 0 || !m) throw new Error(`kubectl failed (${k.code}): ${k.err.slice(-500)}`);
    const kubectl = { wallMs: Number(m[1]) * 1000, peakRssMB: Number(m[2]) / 1024 };

    const counts = new Map<string, string[]>();
    for (const [id, s] of Object.entries(r.statuses)) counts.set(s, [...(counts.get(s) ?? []), id]);
    const icon: Record<string, string> = { ok: '✅', warn: '⚠️', fail: '❌', unknown: '❔' };
    console.log('');
    console.log(
      'figure          /diagnose all job (worker process)    kubectl get pods -A --chunk-size=500 -o json',
    );
    console.log(`wall time       ${fmt(r.wallMs / 1000, 's').padEnd(38)}${fmt(kubectl.wallMs / 1000, 's')}`);
    console.log(`peak RSS        ${fmt(r.peakRssMB, 'MB').padEnd(38)}${fmt(kubectl.peakRssMB, 'MB')}`);
    console.log(
      `job's memory    ${fmt(r.rssBeforeMB, 'MB')} RSS when it started (modules loaded); during it: ${Object.entries(
        r.sampledMB,
      )
        .map(([k, v]) => `${k} ≤ ${v} MB`)
        .join(', ')}`,
    );
    console.log(
      `checks          ${[...counts].map(([s, ids]) => `${icon[s] ?? s} ${ids.length}`).join(' · ')} (deadline ${DEADLINE_MS ? `${DEADLINE_MS / 1000} s` : 'production'} per check)`,
    );
    for (const [s, ids] of counts)
      if (s !== 'ok') console.log(`                ${icon[s]} ${ids.join(', ')}`);
    const slow = Object.entries(r.checkMs)
      .filter(([, ms]) => ms > PRODUCTION_DEADLINE_MS)
      .sort((a, b) => b[1] - a[1]);
    console.log(
      `slowest checks  ${Object.entries(r.checkMs)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([id, ms]) => `${id} ${fmt(ms / 1000, 's')}`)
        .join(
          ', ',
        )}${slow.length ? ` — ${slow.length} past production's ${PRODUCTION_DEADLINE_MS / 1000} s deadline (❔ there)` : ''}`,
    );
    const wallOk = r.wallMs <= kubectl.wallMs;
    const rssOk = r.peakRssMB <= TARGET_RSS_MB;
    const complete = !counts.has('unknown');
    console.log(
      `target          wall ≤ kubectl's: ${wallOk ? 'PASS' : 'MISS'} (${(r.wallMs / kubectl.wallMs).toFixed(2)}×); peak RSS ≤ ${TARGET_RSS_MB} MB: ${rssOk ? 'PASS' : 'MISS'}${complete ? '' : ' — some checks did not finish (❔): not a complete diagnosis'}`,
    );
  }
} finally {
  if (sandbox && sandbox.exitCode === null) {
    const exited = new Promise((r) => sandbox?.once('exit', r));
    sandbox.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (sandbox.exitCode === null) sandbox.kill('SIGKILL');
  }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
}
