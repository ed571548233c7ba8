import { join } from 'node:path';
import Cloudflare, { type APIError } from 'cloudflare';
import { expect } from 'vitest';
import { loadEnvironmentFile } from '../../../src/inventory/load-inventory.js';
import {
  type CloudflareSandbox,
  type CloudflareSandboxOptions,
  startCloudflareSandbox,
} from '../../../src/sandbox/cloudflare/start-cloudflare-sandbox.js';
import { OffsetClock } from '../../../src/sandbox/shared/clock.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';

export const apiToken = 'sbxTok_0123456789abcdefghijklmnopqrstuvwxyzABCD';
export const zoneName = 'ai.coder.com';

export interface TestSandbox {
  sandbox: CloudflareSandbox;
  clock: OffsetClock;
  faults: Faults;
  zoneId: string;
  client(opts?: { maxRetries?: number; apiToken?: string }): Cloudflare;
}

/** The simulated Cloudflare seeded from the real ai.coder.com inventory file. */
export async function startTestSandbox(
  extra: Partial<Pick<CloudflareSandboxOptions, 'rateLimit'>> = {},
): Promise<TestSandbox> {
  const env = await loadEnvironmentFile(
    join(import.meta.dirname, '../../../infra/environments/ai.coder.com.yaml'),
  );
  const clock = new OffsetClock();
  const faults = new Faults();
  const sandbox = await startCloudflareSandbox({ zones: env.dns.zones, clock, faults, apiToken, ...extra });
  return {
    sandbox,
    clock,
    faults,
    zoneId: sandbox.zones[zoneName]!,
    client: (opts = {}) =>
      new Cloudflare({
        apiToken: opts.apiToken ?? apiToken,
        baseURL: sandbox.baseUrl,
        maxRetries: opts.maxRetries ?? 0,
      }),
  };
}

/** Awaits `promise`, expects it to fail with the SDK error class `kind`, and returns the error. */
export async function apiError<T extends APIError>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => T,
): Promise<T> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(kind);
  return err as T;
}

/** The first Cloudflare error code and message, plus the first `error_chain` entry when there is one. */
export function firstError(err: APIError): { code?: number; message?: string; chain?: number } {
  const first = err.errors[0] as
    | { code?: number; message?: string; error_chain?: { code: number }[] }
    | undefined;
  return {
    ...(first?.code !== undefined ? { code: first.code } : {}),
    ...(first?.message !== undefined ? { message: first.message } : {}),
    ...(first?.error_chain?.[0] ? { chain: first.error_chain[0].code } : {}),
  };
}
