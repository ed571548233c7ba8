import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { copyImage } from '../src/adapters/oci/copy-image.js';
import { OciClient } from '../src/adapters/oci/oci-client.js';
import { parseOciManifest } from '../src/adapters/oci/parse-oci-manifest.js';
import { bundleForNode } from './bundle.js';
import { measured } from './peak-rss.js';
import { workerHeapOptions } from './worker-heap.js';

// `/images sync`'s copy (src/adapters/oci/copy-image.ts: HEAD, resumable PATCH chunks streamed through,
// manifests by their bytes) of a ≥ 200 MB multi-layer image from the sandbox GHCR to the sandbox ECR, beside
// the raw rate of the same blobs as one plain streamed GET → PUT each, in the same run. The registries and the
// raw transfer run in child processes, so the peak RSS sampled here is the copier's. Targets: ≥ 80 % of raw,
// peak RSS ≤ 150 MB.
// The bundled copy runs from node_modules/.cache: it is told where the project is.
const ROOT = process.env.BENCH_ROOT ?? resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_IMAGE_ROUNDS ?? 3);

// The copy runs in the worker, which runs compiled JavaScript (not through tsx, whose loader adds tens of MB)
// with the V8 heap Node gives it in its pod (see worker-heap.ts), as the diagnose bench runs its job: this
// script is bundled by esbuild and run by plain node. BENCH_COPY_NODE_OPTIONS replaces the heap options ("" for
// this machine's own sizing).
if (process.env.BENCH_COPY_CHILD !== '1') {
  const heap = process.env.BENCH_COPY_NODE_OPTIONS ?? workerHeapOptions();
  console.log(`copier: compiled, node options ${heap || '(none: V8 sized for this machine)'}`);
  const bundle = await bundleForNode('images-copy.ts', ROOT);
  const self = spawnSync(process.execPath, [...heap.split(' ').filter(Boolean), bundle], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, BENCH_COPY_CHILD: '1', BENCH_ROOT: ROOT },
  });
  process.exit(self.status ?? 1);
}

const child: ChildProcess = fork(join(ROOT, 'bench/images-registries.ts'), ['--serve'], {
  cwd: ROOT,
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const started = await new Promise<{ ghcr: string; ecr: string; digest: string }>((ok, fail) => {
  child.once('message', (m) => ok(m as { ghcr: string; ecr: string; digest: string }));
  child.once('exit', (code) => fail(new Error(`registries exited with ${code}`)));
});
const createRepo = (repo: string) =>
  new Promise<void>((ok) => {
    child.once('message', () => ok());
    child.send({ repo });
  });

const rawChild: ChildProcess = fork(join(ROOT, 'bench/images-raw.ts'), ['--serve'], {
  cwd: ROOT,
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
/** One message to the raw transfer's process, and its answer. */
const askRaw = <T>(message: object) =>
  new Promise<T>((ok, fail) => {
    rawChild.once('message', (m) => ok(m as T));
    rawChild.once('error', fail);
    rawChild.send(message);
  });

const ghcr = new OciClient({ baseUrl: started.ghcr, credentials: { kind: 'anonymous' } });
const creds = { kind: 'basic' as const, get: async () => ({ user: 'AWS', password: 'bench' }) };
const ecr = new OciClient({ baseUrl: started.ecr, credentials: creds });
const image = await ghcr.getManifest('bench/coder', started.digest);
if (!image) throw new Error('seeded image missing');
const index = parseOciManifest(image.bytes, image.mediaType);
const child0 = index.kind === 'index' ? index.manifests[0]! : undefined;
const platform = child0 ? await ghcr.getManifest('bench/coder', child0.digest) : image;
const parsed = parseOciManifest(platform!.bytes, platform!.mediaType);
const blobs = parsed.kind === 'image' ? parsed.blobs : [];
const totalBytes = blobs.reduce((n, b) => n + b.size, 0);

/** The raw reference in its own process: one plain streamed GET → PUT per blob (no chunks). */
const raw = (repo: string) => askRaw<{ ms: number; peakRss: number }>({ repo });

const runs: { raw: number; copy: number; rss: number; buffers: number; rawRss: number }[] = [];
const baseline = process.memoryUsage.rss();
try {
  // Warm-up: tokens and connections for both paths (a few small blobs), not timed.
  await createRepo('warm');
  await ecr.hasBlob('warm', blobs[0]!.digest);
  await askRaw({ setup: { ghcr: started.ghcr, ecr: started.ecr, blobs } });
  for (let i = 0; i < ROUNDS; i++) {
    await createRepo(`raw-${i}`);
    await createRepo(`copy-${i}`);
    const r = await raw(`raw-${i}`);
    const c = await measured(() =>
      copyImage(
        { from: { client: ghcr, repo: 'bench/coder' }, to: { client: ecr, repo: `copy-${i}` } },
        started.digest,
        'v1',
      ),
    );
    if (c.value.digest !== started.digest) throw new Error(`copy stored ${c.value.digest}`);
    if (c.value.bytesSent !== totalBytes) throw new Error(`copy sent ${c.value.bytesSent} of ${totalBytes}`);
    runs.push({ raw: r.ms, copy: c.ms, rss: c.peakRss, buffers: c.peakBuffers, rawRss: r.peakRss });
  }
} finally {
  child.disconnect();
  rawChild.disconnect();
}

const mbps = (ms: number) => totalBytes / 1_048_576 / (ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rawRate = median(runs.map((r) => mbps(r.raw)));
const copyRate = median(runs.map((r) => mbps(r.copy)));
const peak = Math.max(...runs.map((r) => r.rss)) / 1_048_576;
const ratio = copyRate / rawRate;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
console.log(
  `images copy: ${(totalBytes / 1_048_576).toFixed(0)} MiB in ${blobs.length} blobs, median of ${ROUNDS} rounds`,
);
console.log(
  `  raw GET → PUT ${rawRate.toFixed(0)} MiB/s · copy ${copyRate.toFixed(0)} MiB/s · ${(ratio * 100).toFixed(0)} % of raw`,
);
const mib = (n: number) => `${(n / 1_048_576).toFixed(0)} MiB`;
console.log(
  `  peak RSS during copy ${peak.toFixed(0)} MiB (ArrayBuffers ${mib(Math.max(...runs.map((r) => r.buffers)))}; during raw ${mib(Math.max(...runs.map((r) => r.rawRss)))}; process at start ${mib(baseline)})`,
);
console.log(`  ${verdict(ratio >= 0.8)} copy ≥ 80 % of raw · ${verdict(peak <= 150)} peak RSS ≤ 150 MB`);
