import { RegistryStore } from '../src/sandbox/oci/registry-store.js';
import { startRegistrySandbox } from '../src/sandbox/oci/start-registry-sandbox.js';
import { Faults } from '../src/sandbox/shared/faults.js';

// Forked with `--serve` by bench/images-copy.ts: the sandbox GHCR and ECR in their own process, so the
// copier's memory is measured alone (the simulated registries keep every blob in memory).
if (process.argv.includes('--serve') && process.send) {
  const clock = { now: () => Date.now() };
  const faults = new Faults();
  const layers = (process.env.BENCH_IMAGE_LAYERS ?? '48,48,40,40,32')
    .split(',')
    .map((mb) => Number(mb) * 1_048_576);
  const ghcrStore = new RegistryStore(clock);
  const digest = ghcrStore.seedImage('bench/coder', 'v1', { platforms: ['linux/amd64'], layerBytes: layers });
  const ecrStore = new RegistryStore(clock);
  const ghcr = await startRegistrySandbox({
    name: 'ghcr',
    store: ghcrStore,
    clock,
    faults,
    auth: { kind: 'anonymous-token' },
  });
  const ecr = await startRegistrySandbox({
    name: 'ecr',
    store: ecrStore,
    clock,
    faults,
    auth: { kind: 'basic', check: (user, pass) => user === 'AWS' && pass === 'bench' },
  });
  process.on('message', (m: { repo?: string }) => {
    if (m.repo) ecrStore.createRepository(m.repo);
    process.send?.({ created: m.repo });
  });
  process.send({ ghcr: ghcr.url, ecr: ecr.url, digest });
  process.on('disconnect', () => void Promise.all([ghcr.close(), ecr.close()]).then(() => process.exit(0)));
}
