import { OciClient } from '../src/adapters/oci/oci-client.js';
import { measured } from './peak-rss.js';

// Forked with `--serve` by bench/images-copy.ts: the raw reference (one plain streamed GET → PUT per blob,
// however large: no chunks) in its own process, so its memory is not counted as the copier's (freed memory
// stays in a process's RSS, and its garbage would still be uncollected when the copy starts).
interface Setup {
  ghcr: string;
  ecr: string;
  blobs: { digest: string; size: number }[];
}

if (process.argv.includes('--serve') && process.send) {
  let setup: Setup | undefined;
  let ghcr: OciClient | undefined;
  let ecr: OciClient | undefined;
  process.on('message', async (m: { setup?: Setup; repo?: string }) => {
    if (m.setup) {
      setup = m.setup;
      ghcr = new OciClient({ baseUrl: setup.ghcr, credentials: { kind: 'anonymous' } });
      const get = async () => ({ user: 'AWS', password: 'bench' });
      ecr = new OciClient({
        baseUrl: setup.ecr,
        credentials: { kind: 'basic', get },
        chunkBytes: Number.POSITIVE_INFINITY,
      });
      // Warm-up: tokens and connections, not timed.
      await ecr.hasBlob('warm', setup.blobs[0]!.digest);
      await (await ghcr.openBlob('bench/coder', setup.blobs[0]!.digest)).cancel();
      process.send?.({ ready: true });
      return;
    }
    if (!m.repo || !setup || !ghcr || !ecr) return;
    const { repo } = m;
    const [from, to] = [ghcr, ecr];
    const run = await measured(async () => {
      for (const b of setup!.blobs)
        await to.pushBlob(repo, b.digest, await from.openBlob('bench/coder', b.digest), b.size);
    });
    process.send?.({ ms: run.ms, peakRss: run.peakRss });
  });
  process.on('disconnect', () => process.exit(0));
}
