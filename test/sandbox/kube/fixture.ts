import { join } from 'node:path';
import { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { loadEnvironmentFile } from '../../../src/inventory/load-inventory.js';
import type { Environment } from '../../../src/inventory/schema.js';
import {
  type KubeSandbox,
  type KubeSandboxOptions,
  startKubeSandbox,
} from '../../../src/sandbox/kube/start-kube-sandbox.js';
import { OffsetClock } from '../../../src/sandbox/shared/clock.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';

export const STATIC_TOKEN = 'sandbox-static-token-for-tests';
export const CODER_DIGEST = `sha256:${'c0de'.repeat(16)}`;

export interface Fixture {
  env: Environment;
  sandbox: KubeSandbox;
  clock: OffsetClock;
  faults: Faults;
}

export async function loadAiCoder(): Promise<Environment> {
  return loadEnvironmentFile(join(import.meta.dirname, '../../../infra/environments/ai.coder.com.yaml'));
}

/** The sandbox for ai.coder.com with fast pod transitions, a movable clock and its own fault table. */
export async function startFixture(extra: Partial<KubeSandboxOptions> = {}): Promise<Fixture> {
  const env = await loadAiCoder();
  const clock = new OffsetClock();
  const faults = new Faults();
  const sandbox = await startKubeSandbox({
    env,
    clock,
    faults,
    staticToken: STATIC_TOKEN,
    images: { coder: { ref: 'ghcr.io/coder/coder-preview:v2.28.0', digest: CODER_DIGEST } },
    rolloutStepMs: 15,
    ...extra,
  });
  return { env, sandbox, clock, faults };
}

export function kubeConfig(sandbox: KubeSandbox, clusterId: string, token = STATIC_TOKEN): KubeConfig {
  const c = sandbox.clusters.get(clusterId);
  if (!c) throw new Error(`no cluster ${clusterId}`);
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: c.id, server: c.server, caData: c.caData, skipTLSVerify: false },
    { name: 'tester', token },
  );
  return kc;
}

export function clients(sandbox: KubeSandbox, clusterId: string, token?: string) {
  const kc = kubeConfig(sandbox, clusterId, token);
  return {
    kc,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

/** The Status object of a failed call (client-node keeps the raw body text). */
export async function statusOf(
  promise: Promise<unknown>,
): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) {
      const raw = err.body as unknown;
      const status = typeof raw === 'string' && raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      return { code: err.code, status };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Polls until `fn` returns a truthy value (the sandbox moves on its own timers). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
