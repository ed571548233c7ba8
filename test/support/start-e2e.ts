import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { SECRET_VARIABLES } from '../../src/config/env-schema.js';
import { type SandboxOptions, startSandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';

/**
 * The sandbox with the bot, for end-to-end tests: a fresh Redis prefix, no state file, fast
 * rollouts, and the bot's log lines captured so tests can check that no secret leaks.
 */
export async function startE2E(opts: Partial<SandboxOptions> = {}) {
  const logs: string[] = [];
  const sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `e2e-${randomUUID()}`,
    stateDir: null,
    rolloutStepMs: 30,
    logLevel: 'debug',
    logDestination: { write: (line: string) => void logs.push(line) },
    ...opts,
  });
  const secrets = [
    ...SECRET_VARIABLES.map((name) => sandbox.botEnv[name]).filter((v): v is string => Boolean(v)),
    sandbox.state.aws.secretAccessKey,
  ];
  return {
    sandbox,
    logs,
    /** Every place a secret could leak to: log lines and everything the bot posted to Slack. */
    leakedSecrets(): string[] {
      const haystack = [...logs, JSON.stringify(sandbox.slack.messages())].join('\n');
      return secrets.filter((s) => haystack.includes(s));
    },
  };
}

export type E2E = Awaited<ReturnType<typeof startE2E>>;

/**
 * One e2e sandbox for the file (hooks registered here), put back to its seeded state (`reset` on the control
 * API) before each test. The returned object is filled in by `beforeAll`: read it inside hooks and tests.
 */
export function useE2E(opts: Partial<SandboxOptions> = {}): { e2e: E2E; sandbox: E2E['sandbox'] } {
  const kit = {} as { e2e: E2E; sandbox: E2E['sandbox'] };
  beforeAll(async () => {
    kit.e2e = await startE2E(opts);
    kit.sandbox = kit.e2e.sandbox;
  });
  afterAll(async () => {
    await kit.sandbox?.close();
  });
  beforeEach(async () => {
    await control(kit.sandbox, 'reset');
  });
  return kit;
}
