import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { EksClusterAccess } from '../../src/adapters/aws/eks-cluster-access.js';
import { CloudflareDns } from '../../src/adapters/cloudflare/cloudflare-dns.js';
import { HttpCoderWorkspaces } from '../../src/adapters/coder/http-coder-workspaces.js';
import { DohResolver } from '../../src/adapters/doh/doh-resolver.js';
import { EcrImages } from '../../src/adapters/ecr/ecr-images.js';
import { HttpHealthProbes } from '../../src/adapters/http-probes/http-health-probes.js';
import { KubeClusters } from '../../src/adapters/kubernetes/kube-clusters.js';
import { OciRegistry } from '../../src/adapters/oci/oci-registry.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { UserError } from '../../src/errors/user-error.js';
import type { Environment, Probe } from '../../src/inventory/schema.js';
import type { CallOptions } from '../../src/ports/call-options.js';
import type { MirrorRef } from '../../src/ports/registry.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';
import { until } from '../scale/e2e-kit.js';
import { countRequests, type RequestCounter } from '../support/request-counter.js';

// Every adapter hands the caller's signal to its SDK or fetch: aborting a call with its request in flight
// (the simulated API made slow) rejects at once with the abort, not when the answer comes, and not as the
// adapter's own failure (a TransientError would be retried, a UserError reported).

/** Latency of every request to the slowed API; the deadlines below are longer still. */
const DELAY = 2_000;
const REASON = 'lost the job lock';

let sandbox: Sandbox;
let env: Environment;
let counter: RequestCounter;
const closers: (() => void)[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `t-adapter-abort-${randomUUID()}`,
    stateDir: null,
    logLevel: 'silent',
    withBot: false,
  });
  env = sandbox.sim.env;
});
afterEach(() => {
  counter?.stop();
  sandbox.sim.faults.reset();
});
afterAll(async () => {
  for (const close of closers) close();
  await sandbox?.close();
});

const credentials = async () => ({
  accessKeyId: sandbox.state.aws.accessKeyId,
  secretAccessKey: sandbox.state.aws.secretAccessKey,
});

function clusters(timeoutMs = 10_000) {
  const access = new EksClusterAccess({
    clusters: env.clusters,
    credentials,
    endpoint: sandbox.state.aws.endpoint,
    clock: sandbox.sim.clock,
  });
  closers.push(() => access.destroy());
  return new KubeClusters(access, { timeoutMs });
}

const ecr = () =>
  new EcrImages({ credentials, endpoint: sandbox.state.aws.endpoint, clock: { now: () => Date.now() } });
const probe = (id: string): Probe => env.probes.find((p) => p.id === id)!;
const mirror: MirrorRef = {
  registry: '411738201876.dkr.ecr.us-east-2.amazonaws.com',
  repository: 'coder-preview',
  region: 'us-east-2',
};

/**
 * Slows `api`, starts `call` with a signal, aborts it (as BullMQ does: a string reason) once the request
 * has reached the sandbox, and returns how it ended and how long the caller waited after the abort.
 */
async function abortInFlight(api: string, call: (opts: CallOptions) => Promise<unknown>) {
  counter = countRequests(sandbox.sim.faults);
  sandbox.sim.faults.slow(api, DELAY);
  const run = new AbortController();
  const settled = call({ signal: run.signal }).then(
    () => ({ error: undefined as unknown, at: Date.now() }),
    (error: unknown) => ({ error, at: Date.now() }),
  );
  await until(() => counter.count(api) >= 1, 10_000);
  const seen = counter.count(api);
  const abortedAt = Date.now();
  run.abort(REASON);
  const { error, at } = await settled;
  return { error, waitedMs: at - abortedAt, seen };
}

function expectAborted(outcome: { error: unknown; waitedMs: number }) {
  expect(outcome.error).toBeInstanceOf(Error);
  expect((outcome.error as Error).message).toBe(REASON);
  expect((outcome.error as Error).name).toBe('AbortError');
  expect(outcome.error).not.toBeInstanceOf(TransientError);
  expect(outcome.error).not.toBeInstanceOf(UserError);
  expect(outcome.waitedMs).toBeLessThan(DELAY / 2);
}

describe('every adapter call takes the run signal and stops when it is aborted', () => {
  it('Kubernetes (client-node 2, a per-call middleware sets the request signal): a scale write', async () => {
    const client = clusters().client('us-west-2');
    await client.getDeployment('coder', 'coder'); // KubeConfig and token in place: only the PATCH is slow
    const outcome = await abortInFlight('kube:us-west-2', (opts) =>
      client.scaleDeployment('coder', 'coder', 3, opts),
    );
    expectAborted(outcome);
    expect(counter.writes('kube:us-west-2')).toBe(1);
  });

  it('Kubernetes: a paged list stops at the page in flight, and a lost resource lock keeps its own reason', async () => {
    const client = clusters().client('us-east-2');
    await client.getDeployment('coder', 'coder');
    counter = countRequests(sandbox.sim.faults);
    sandbox.sim.faults.slow('kube:us-east-2', DELAY);
    const lock = new AbortController();
    const listing = client.listNodes({ signal: lock.signal }).catch((err: unknown) => err);
    await until(() => counter.count('kube:us-east-2') >= 1);
    const lost = new Error('lost lock opsbot:lock:k8s:us-east-2:coder/coder');
    lock.abort(lost);
    expect(await listing).toBe(lost);
    await new Promise((r) => setTimeout(r, DELAY * 1.5));
    expect(counter.count('kube:us-east-2')).toBe(1);
  });

  it('Kubernetes: an already aborted signal sends nothing', async () => {
    const client = clusters().client('eu-west-2');
    counter = countRequests(sandbox.sim.faults);
    const run = new AbortController();
    run.abort(REASON);
    await expect(client.getDeployment('coder', 'coder', { signal: run.signal })).rejects.toThrow(REASON);
    expect(counter.count('kube:eu-west-2') + counter.count('eks')).toBe(0);
  });

  it('Kubernetes: the deadline still ends a hung call as a TransientError', async () => {
    const client = clusters(300).client('eu-west-2');
    sandbox.sim.faults.slow('kube:eu-west-2', DELAY);
    await expect(
      client.getDeployment('coder', 'coder', { signal: new AbortController().signal }),
    ).rejects.toBeInstanceOf(TransientError);
  });

  it('Cloudflare (request options `{ signal }`): a batch write', async () => {
    const dns = new CloudflareDns({
      apiToken: sandbox.state.cloudflare.apiToken,
      baseUrl: sandbox.state.cloudflare.baseUrl,
    });
    await dns.zoneId('ai.coder.com');
    const outcome = await abortInFlight('cloudflare', (opts) =>
      dns.batch(
        'ai.coder.com',
        {
          deletes: [],
          patches: [],
          posts: [{ name: 'abort.ai.coder.com', type: 'TXT', content: 'x', proxied: false, ttl: 60 }],
        },
        opts,
      ),
    );
    expectAborted(outcome);
    // The SDK's own retry (maxRetries 1) is not attempted after an abort.
    await new Promise((r) => setTimeout(r, DELAY * 1.5));
    expect(counter.count('cloudflare')).toBe(outcome.seen);
  });

  it('Cloudflare: a record listing', async () => {
    const dns = new CloudflareDns({
      apiToken: sandbox.state.cloudflare.apiToken,
      baseUrl: sandbox.state.cloudflare.baseUrl,
    });
    expectAborted(await abortInFlight('cloudflare', (opts) => dns.listRecords('ai.coder.com', {}, opts)));
  });

  it('DNS over HTTPS (fetch, the signal merged with the timeout)', async () => {
    const resolver = new DohResolver({ url: sandbox.state.cloudflare.dohUrl, timeoutMs: 10_000 });
    expectAborted(await abortInFlight('doh', (opts) => resolver.resolve('ai.coder.com', 'A', opts)));
  });

  it('ECR (AWS SDK v3 `send(command, { abortSignal })`)', async () => {
    const images = ecr();
    expectAborted(await abortInFlight('ecr', (opts) => images.image(mirror, 'v2.27.0', opts)));
    expectAborted(await abortInFlight('ecr', (opts) => images.history(mirror, opts)));
  });

  it('OCI registry (fetch `{ signal }`): reading the source manifest', async () => {
    const registry = new OciRegistry({
      ecr: ecr(),
      ghcrUrl: sandbox.state.registries['ghcr.io'],
      ecrUrl: sandbox.state.registries.ecr,
    });
    expectAborted(
      await abortInFlight('registry:ghcr', (opts) =>
        registry.sourceImage('ghcr.io/coder/coder-preview', 'v2.27.0', opts),
      ),
    );
  });

  it('health probes and the Coder workspace API (fetch, the signal merged with the deadline)', async () => {
    const urls = sandbox.state.probes;
    const token = sandbox.botEnv.CODER_SESSION_TOKEN!;
    const probes = new HttpHealthProbes({ urls, coderSessionToken: token, timeoutMs: 10_000 });
    expectAborted(await abortInFlight('coder', (opts) => probes.get(probe('coder'), '/healthz', opts)));
    expectAborted(await abortInFlight('litellm', (opts) => probes.litellmReadiness(probe('litellm'), opts)));
    const workspaces = new HttpCoderWorkspaces({ urls, coderSessionToken: token, probes: env.probes });
    expectAborted(await abortInFlight('coder', (opts) => workspaces.workspaceCount(probe('coder'), opts)));
  });
});
