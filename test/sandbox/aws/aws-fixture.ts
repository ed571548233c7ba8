import { join } from 'node:path';
import { loadEnvironmentFile } from '../../../src/inventory/load-inventory.js';
import { EcrTokenIssuer } from '../../../src/sandbox/aws/ecr-token-issuer.js';
import { PullThroughCache } from '../../../src/sandbox/aws/pull-through-cache.js';
import {
  type AwsSandbox,
  type SimulatedCluster,
  startAwsSandbox,
} from '../../../src/sandbox/aws/start-aws-sandbox.js';
import { RegistryStore } from '../../../src/sandbox/oci/registry-store.js';
import {
  type RegistrySandbox,
  startRegistrySandbox,
} from '../../../src/sandbox/oci/start-registry-sandbox.js';
import { OffsetClock } from '../../../src/sandbox/shared/clock.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';

export const CREDS = {
  accessKeyId: ['AKI', 'AW2OPSBOTSANDBOX1'].join(''),
  secretAccessKey: 'sAnDbOx/Secret+Key0123456789abcdefghijkl',
};
export const ACCOUNT = '411738201876';
export const CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString(
  'base64',
);

export interface AwsFixture {
  clock: OffsetClock;
  faults: Faults;
  clusters: SimulatedCluster[];
  ecrStore: RegistryStore;
  ecrRegistry: RegistrySandbox;
  /** The upstream of the ECR pull-through cache rule `ghcr` (→ ghcr.io). */
  ghcrStore: RegistryStore;
  pullThrough: PullThroughCache;
  aws: AwsSandbox;
  /** SDK client config for the sandbox: explicit credentials and region, no retries. */
  config(overrides?: Record<string, unknown>): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  close(): Promise<void>;
}

/** The AWS sandbox seeded from infra/environments/ai.coder.com.yaml, with its ECR registry. */
export async function startAwsFixture(): Promise<AwsFixture> {
  const env = await loadEnvironmentFile(
    join(import.meta.dirname, '../../../infra/environments/ai.coder.com.yaml'),
  );
  const clusters = env.clusters.map((c, i) => ({
    eksName: c.eksName,
    region: c.region,
    endpoint: `https://127.0.0.1:${6443 + i}`,
    caData: CA_DATA,
  }));
  const clock = new OffsetClock();
  const faults = new Faults();
  const ecrStore = new RegistryStore(clock);
  const ghcrStore = new RegistryStore(clock);
  const pullThrough = new PullThroughCache({
    clock,
    cache: ecrStore,
    upstreams: { 'ghcr.io': ghcrStore },
    rules: [
      {
        ecrRepositoryPrefix: 'ghcr',
        upstreamRegistryUrl: 'ghcr.io',
        upstreamRegistry: 'github-container-registry',
        credentialArn: `arn:aws:secretsmanager:us-east-2:${ACCOUNT}:secret:ecr-pullthroughcache/ghcr-Zq3xKp`,
      },
    ],
  });
  const tokens = new EcrTokenIssuer(clock);
  const ecrRegistry = await startRegistrySandbox({
    name: 'ecr',
    store: ecrStore,
    clock,
    faults,
    auth: { kind: 'basic', check: tokens.check },
    onPull: (repo, ref) => pullThrough.onPull(repo, ref),
  });
  const aws = await startAwsSandbox({
    clock,
    faults,
    credentials: CREDS,
    accountId: ACCOUNT,
    clusters: () => clusters,
    ecr: { store: ecrStore, registryUrl: () => ecrRegistry.url, tokens, pullThrough },
  });
  return {
    clock,
    faults,
    clusters,
    ecrStore,
    ecrRegistry,
    ghcrStore,
    pullThrough,
    aws,
    config: (overrides = {}) => ({
      endpoint: aws.endpoint,
      region: 'us-east-2',
      credentials: CREDS,
      maxAttempts: 1,
      ...overrides,
    }),
    close: async () => {
      await aws.close();
      await ecrRegistry.close();
    },
  };
}
