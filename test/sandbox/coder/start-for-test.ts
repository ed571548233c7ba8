import { join } from 'node:path';
import { loadEnvironmentFile } from '../../../src/inventory/load-inventory.js';
import type { Environment, Probe } from '../../../src/inventory/schema.js';
import type { Clock } from '../../../src/ports/clock.js';
import {
  type CoderSandbox,
  generateCoderSessionToken,
  startCoderSandbox,
  type WorkspaceTimings,
  type WorldFacts,
} from '../../../src/sandbox/coder/start-coder-sandbox.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';

export const NOW = Date.parse('2025-06-02T15:04:05.000Z');
export const DIGEST = `sha256:${'a1b2c3d4e5f6'.repeat(5)}abcd`;
export const OTHER_DIGEST = `sha256:${'0f9e8d7c6b5a'.repeat(5)}0123`;

export function healthyFacts(): WorldFacts {
  return {
    provisioners: [
      { org: 'default', ready: 6, desired: 6 },
      { org: 'experimental', ready: 2, desired: 2 },
      { org: 'demo', ready: 2, desired: 2 },
    ],
    proxies: [
      { id: 'oregon-proxy', healthy: true, imageDigest: DIGEST },
      { id: 'emea-proxy', healthy: true, imageDigest: DIGEST },
    ],
    controlPlaneImageDigest: DIGEST,
    litellmReady: 4,
  };
}

export interface TestSandbox extends CoderSandbox {
  facts: WorldFacts;
  /** The inventory's probes (production URLs; `urls` maps them into the sandbox). */
  probes: Probe[];
  env: Environment;
  faults: Faults;
  sessionToken: string;
  litellmKey: string;
}

export interface TestSandboxOptions {
  /** Default: fixed at NOW (nothing that depends on time moves). */
  clock?: Clock;
  workspaceTimings?: Partial<WorkspaceTimings>;
}

/** The sandbox seeded from ai.coder.com's probes, with facts the test can change in place. */
export async function startForTest(opts: TestSandboxOptions = {}): Promise<TestSandbox> {
  const env = await loadEnvironmentFile(
    join(import.meta.dirname, '../../../infra/environments/ai.coder.com.yaml'),
  );
  const facts = healthyFacts();
  const faults = new Faults();
  const sessionToken = generateCoderSessionToken();
  const litellmKey = 'sk-opsbot-Zm9vYmFyYmF6cXV4';
  const sandbox = await startCoderSandbox({
    probes: env.probes,
    clock: opts.clock ?? { now: () => NOW },
    faults,
    sessionToken,
    litellmMasterKey: litellmKey,
    facts: () => facts,
    templates: (env.workshop?.smoke ?? []).map((t) => ({ org: t.org, name: t.template })),
    ...(opts.workspaceTimings ? { workspaceTimings: opts.workspaceTimings } : {}),
  });
  return { ...sandbox, facts, faults, sessionToken, litellmKey, probes: env.probes, env };
}
