import type { Environment } from '../inventory/schema.js';
import { EcrTokenIssuer, PullThroughCache, startAwsSandbox } from './aws/index.js';
import { startCloudflareSandbox } from './cloudflare/start-cloudflare-sandbox.js';
import { startCoderSandbox } from './coder/start-coder-sandbox.js';
import { startKubeSandbox } from './kube/start-kube-sandbox.js';
import { RegistryStore } from './oci/registry-store.js';
import { startRegistrySandbox } from './oci/start-registry-sandbox.js';
import type { SandboxSecrets } from './sandbox-secrets.js';
import { seedImages } from './seed-images.js';
import { OffsetClock } from './shared/clock.js';
import { Faults } from './shared/faults.js';
import { startSlackSandbox } from './slack/start-slack-sandbox.js';
import { sandboxSlackDirectory } from './slack-directory.js';
import { startTlsSandbox } from './tls/start-tls-sandbox.js';
import { worldFacts } from './world-facts.js';

export const SANDBOX_ACCOUNT_ID = '411738201876';

export interface EnvironmentOptions {
  env: Environment;
  /** Served by the bot but not simulated: only their Slack channels and user groups exist. */
  others?: Environment[];
  secrets: SandboxSecrets;
  clock?: OffsetClock;
  rolloutStepMs?: number;
}

export type SimulatedEnvironment = Awaited<ReturnType<typeof startEnvironment>>;

/**
 * Starts every simulated service of one environment, seeded from its inventory: three Kubernetes
 * API servers, AWS (EKS/STS/ECR), the GHCR and ECR registries, Cloudflare with DoH, Coder and
 * LiteLLM health (and their domains' TLS certificates), and Slack. Nothing here knows about the bot.
 */
export async function startEnvironment(opts: EnvironmentOptions) {
  const { env, secrets } = opts;
  const clock = opts.clock ?? new OffsetClock();
  const faults = new Faults();
  const closers: (() => Promise<void>)[] = [];
  try {
    const { ghcrStore, ecrStore, images, ecrTokens, pullThrough, ghcr, ecr, resetRegistries } =
      await startRegistries(env, clock, faults, closers);
    // Kubernetes needs the AWS token validator and AWS needs the clusters' endpoints: resolve lazily.
    let kubeRef: Awaited<ReturnType<typeof startKubeSandbox>> | undefined;
    const aws = await startAwsSandbox({
      clock,
      faults,
      credentials: secrets.aws,
      accountId: SANDBOX_ACCOUNT_ID,
      clusters: () =>
        [...(kubeRef?.clusters.values() ?? [])].map((c) => ({
          eksName: c.eksName,
          region: c.region,
          endpoint: c.server,
          caData: c.caData,
        })),
      ecr: {
        store: ecrStore,
        registryUrl: () => ecr.url,
        tokens: ecrTokens,
        region: mirrorRegion(env),
        pullThrough,
      },
    });
    closers.push(aws.close);
    const kube = await startKubeSandbox({
      env,
      clock,
      faults,
      staticToken: secrets.kubeToken,
      validateToken: (token, eksName) => aws.validateEksToken(token, eksName),
      images: Object.fromEntries(
        Object.entries(images).map(([id, i]) => [id, { ref: i.ref, digest: i.digest }]),
      ),
      ...(opts.rolloutStepMs !== undefined ? { rolloutStepMs: opts.rolloutStepMs } : {}),
    });
    kubeRef = kube;
    closers.push(kube.close);
    // A push to an ECR mirror tag is what the clusters pull from then on (pods pick it up when they restart).
    ecrStore.onTag = (repo, tag, digest) => {
      for (const i of Object.values(images))
        if (i.mirrorRepo === repo) kube.control.resolveImage(i.ref.replace(/:[^:/]+$/, `:${tag}`), digest);
    };
    const cloudflare = await startCloudflareSandbox({
      zones: env.dns.zones,
      clock,
      faults,
      apiToken: secrets.cloudflareToken,
    });
    closers.push(cloudflare.close);
    const coder = await startCoderSandbox({
      probes: env.probes,
      clock,
      faults,
      sessionToken: secrets.coderSessionToken,
      litellmMasterKey: secrets.litellmKey,
      facts: () => worldFacts(env, kube.control, images),
      templates: (env.workshop?.smoke ?? []).map((s) => ({ org: s.org, name: s.template })),
    });
    closers.push(coder.close);
    // The probed domains' certificates (the TLS check), in front of the same Coder and LiteLLM servers.
    const tls = await startTlsSandbox({ probes: env.probes, clock, faults, upstream: coder.urls });
    closers.push(tls.close);
    const directory = sandboxSlackDirectory(env, opts.others);
    const slack = await startSlackSandbox({
      clock,
      faults,
      botToken: secrets.botToken,
      appToken: secrets.appToken,
      teamId: directory.teamId,
      users: directory.users,
      channels: directory.channels,
      usergroups: directory.usergroups,
    });
    closers.push(slack.close);
    return {
      env,
      clock,
      faults,
      images,
      stores: { ghcr: ghcrStore, ecr: ecrStore },
      /** ECR's pull-through cache rules (one: `ghcr` → ghcr.io) and what a pull through them does. */
      pullThrough,
      /** Back to the seeded images: tags and digests in GHCR and the ECR mirror (the control API's reset). */
      resetRegistries,
      ghcr,
      ecr,
      aws,
      kube,
      cloudflare,
      coder,
      tls,
      slack,
      directory,
      async close() {
        for (const close of closers.reverse()) await close().catch(() => {});
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw err;
  }
}

/** GHCR and ECR, seeded with the inventory's images (byte-identical mirror, so digests agree at start). */
async function startRegistries(
  env: Environment,
  clock: OffsetClock,
  faults: Faults,
  closers: (() => Promise<void>)[],
) {
  const ghcrStore = new RegistryStore(clock);
  const ecrStore = new RegistryStore(clock);
  // Seeding copies every mirror, a pull-through cache's repositories included (as if pulled once).
  const images = seedImages(env, ghcrStore, ecrStore);
  const pullThrough = new PullThroughCache({
    clock,
    cache: ecrStore,
    upstreams: { 'ghcr.io': ghcrStore },
    rules: [ghcrCacheRule(mirrorRegion(env))],
  });
  // What the control API's reset brings back: the seeded tags, digests and push times of both registries.
  const seeded = { ghcr: ghcrStore.snapshot(), ecr: ecrStore.snapshot() };
  const resetRegistries = () => {
    ghcrStore.restore(seeded.ghcr);
    ecrStore.restore(seeded.ecr);
    pullThrough.reset();
  };
  const ecrTokens = new EcrTokenIssuer(clock);
  const ghcr = await startRegistrySandbox({
    name: 'ghcr',
    store: ghcrStore,
    clock,
    faults,
    auth: { kind: 'anonymous-token' },
  });
  closers.push(ghcr.close);
  const ecr = await startRegistrySandbox({
    name: 'ecr',
    store: ecrStore,
    clock,
    faults,
    auth: { kind: 'basic', check: (user, pass) => ecrTokens.check(user, pass) },
    onPull: (repo, ref) => pullThrough.onPull(repo, ref),
  });
  closers.push(ecr.close);
  return { ghcrStore, ecrStore, images, ecrTokens, pullThrough, ghcr, ecr, resetRegistries };
}

/** ECR's rule for GHCR as the console makes it: prefix `ghcr`, credentials in `ecr-pullthroughcache/…`. */
function ghcrCacheRule(region: string) {
  return {
    ecrRepositoryPrefix: 'ghcr',
    upstreamRegistryUrl: 'ghcr.io',
    upstreamRegistry: 'github-container-registry',
    credentialArn: `arn:aws:secretsmanager:${region}:${SANDBOX_ACCOUNT_ID}:secret:ecr-pullthroughcache/ghcr-Zq3xKp`,
  };
}

function mirrorRegion(env: Environment): string {
  return env.images.find((i) => i.mirror)?.mirror?.region ?? env.clusters[0]!.region;
}
