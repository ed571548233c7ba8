import { EcrTokenIssuer } from '../../../src/sandbox/aws/ecr-token-issuer.js';
import { RegistryStore } from '../../../src/sandbox/oci/registry-store.js';
import {
  type RegistrySandbox,
  startRegistrySandbox,
} from '../../../src/sandbox/oci/start-registry-sandbox.js';
import { OffsetClock } from '../../../src/sandbox/shared/clock.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';

export const ALL_MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface RegistryFixture {
  clock: OffsetClock;
  faults: Faults;
  ghcrStore: RegistryStore;
  ecrStore: RegistryStore;
  ghcr: RegistrySandbox;
  ecr: RegistrySandbox;
  tokens: EcrTokenIssuer;
  /** `Authorization` header for the ECR instance, from a freshly issued password. */
  ecrAuth(): { authorization: string };
  close(): Promise<void>;
}

/** A GHCR-like registry with coder/coder-preview:v2.28.0 and an ECR-like one with an empty `coder-preview`. */
export async function startRegistryFixture(): Promise<RegistryFixture> {
  const clock = new OffsetClock();
  const faults = new Faults();
  const ghcrStore = new RegistryStore(clock);
  ghcrStore.seedImage('coder/coder-preview', 'v2.28.0');
  const ecrStore = new RegistryStore(clock);
  ecrStore.createRepository('coder-preview');
  const tokens = new EcrTokenIssuer(clock);
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
    auth: { kind: 'basic', check: tokens.check },
  });
  return {
    clock,
    faults,
    ghcrStore,
    ecrStore,
    ghcr,
    ecr,
    tokens,
    ecrAuth: () => ({
      authorization: `Basic ${Buffer.from(`AWS:${tokens.issue().password}`).toString('base64')}`,
    }),
    close: async () => {
      await ghcr.close();
      await ecr.close();
    },
  };
}

/** Follows a `WWW-Authenticate: Bearer` challenge the way registry clients do. */
export async function bearerFor(
  baseUrl: string,
  repo: string,
  actions = 'pull',
): Promise<{ authorization: string }> {
  const challenge = await fetch(`${baseUrl}/v2/${repo}/tags/list`);
  const header = challenge.headers.get('www-authenticate') ?? '';
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const url = new URL(params.realm!);
  url.searchParams.set('service', params.service!);
  url.searchParams.set('scope', `repository:${repo}:${actions}`);
  const { token } = (await (await fetch(url)).json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}
