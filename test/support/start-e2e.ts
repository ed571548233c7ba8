import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { SECRET_VARIABLES } from '../../src/config/env-schema.js';
import { type SandboxOptions, startSandbox } from '../../src/sandbox/start-sandbox.js';

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
