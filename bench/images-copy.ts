import { type ChildProcess, fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { copyImage } from '../src/adapters/oci/copy-image.js';
import { OciClient } from '../src/adapters/oci/oci-client.js';
import { parseOciManifest } from '../src/adapters/oci/parse-oci-manifest.js';

// `/images sync`'s copy (src/adapters/oci/copy-image.ts: HEAD, chunked resumable upload with read-ahead,
// manifests by their bytes) of a ≥ 200 MB multi-layer image from the sandbox GHCR to the sandbox ECR, beside
// the raw rate of the same blobs as one plain streamed GET → PUT each, in the same run. The registries run in
// a child process, so the peak RSS sampled here is the copier's. Targets: ≥ 80 % of raw, peak RSS ≤ 150 MB.
const ROOT = resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_IMAGE_ROUNDS ?? 3);

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

const ghcr = new OciClient({ baseUrl: started.ghcr, credentials: { kind: 'anonymous' } });
const creds = { kind: 'basic' as const, get: async () => ({ user: 'AWS', password: 'bench' }) };
const ecr = new OciClient({ baseUrl: started.ecr, credentials: creds });
// The plain transfer: one streamed PUT per blob, however large (no chunks, no read-ahead).
const ecrPlain = new OciClient({
  baseUrl: started.ecr,
  credentials: creds,
  chunkBytes: Number.POSITIVE_INFINITY,
});

const image = await ghcr.getManifest('bench/coder', started.digest);
if (!image) throw new Error('seeded image missing');
const index = parseOciManifest(image.bytes, image.mediaType);
const child0 = index.kind === 'index' ? index.manifests[0]! : undefined;
const platform = child0 ? await ghcr.getManifest('bench/coder', child0.digest) : image;
const parsed = parseOciManifest(platform!.bytes, platform!.mediaType);
const blobs = parsed.kind === 'image' ? parsed.blobs : [];
const totalBytes = blobs.reduce((n, b) => n + b.size, 0);

/** Peak RSS while `run` runs, sampled every 10 ms. */
async function measured<T>(
  run: () => Promise<T>,
): Promise<{ ms: number; peakRss: number; peakBuffers: number; value: T }> {
  let peak = process.memoryUsage.rss();
  let buffers = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    buffers = Math.max(buffers, m.arrayBuffers);
  }, 10);
  const t0 = performance.now();
  try {
    const value = await run();
    const peakRss = Math.max(peak, process.memoryUsage.rss());
    return { ms: performance.now() - t0, peakRss, peakBuffers: buffers, value };
  } finally {
    clearInterval(timer);
  }
}

async function raw(repo: string): Promise<void> {
  for (const b of blobs) {
    const body = await ghcr.openBlob('bench/coder', b.digest);
    await ecrPlain.pushBlob(repo, b.digest, body, b.size);
  }
}

const runs: { raw: number; copy: number; rss: number; buffers: number; rawRss: number }[] = [];
const baseline = process.memoryUsage.rss();
try {
  // Warm-up: tokens and connections for both paths (a few small blobs), not timed.
  await createRepo('warm');
  await ecr.hasBlob('warm', blobs[0]!.digest);
  for (let i = 0; i < ROUNDS; i++) {
    await createRepo(`raw-${i}`);
    await createRepo(`copy-${i}`);
    const r = await measured(() => raw(`raw-${i}`));
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
