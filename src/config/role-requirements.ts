import type { Env } from './env-schema.js';

export type Role = Env['OPSBOT_ROLE'];
export type RolePart = Exclude<Role, 'all'>;

/** `all` runs every part in one process (a laptop); otherwise a process runs exactly its role. */
export function roleRuns(role: Role, part: RolePart): boolean {
  return role === 'all' || role === part;
}

interface Requirement {
  variable: keyof Env;
  /** Why it is needed, shown when it is missing. */
  because: string;
  applies: (env: Env) => boolean;
}

/**
 * What each role needs (also documented in `.env.example`):
 * - every role: REDIS_URL (queues, plans, locks and audit live there);
 * - web: SLACK_BOT_TOKEN, plus SLACK_SIGNING_SECRET (http mode) or SLACK_APP_TOKEN (socket mode);
 * - worker: SLACK_BOT_TOKEN (posts results), CLOUDFLARE_API_TOKEN, CODER_SESSION_TOKEN, LITELLM_API_KEY;
 * - scheduler: only REDIS_URL (it enqueues; workers do the I/O).
 * AWS credentials come from the default provider chain, never from here.
 */
const REQUIREMENTS: Requirement[] = [
  { variable: 'REDIS_URL', because: 'every role keeps its state in Redis', applies: () => true },
  {
    variable: 'SLACK_BOT_TOKEN',
    because: 'the web and worker roles talk to Slack',
    applies: (e) => roleRuns(e.OPSBOT_ROLE, 'web') || roleRuns(e.OPSBOT_ROLE, 'worker'),
  },
  {
    variable: 'SLACK_SIGNING_SECRET',
    because: 'the web role verifies Slack requests in http mode',
    applies: (e) => roleRuns(e.OPSBOT_ROLE, 'web') && e.SLACK_MODE === 'http',
  },
  {
    variable: 'SLACK_APP_TOKEN',
    because: 'the web role connects with Socket Mode (SLACK_MODE=socket)',
    applies: (e) => roleRuns(e.OPSBOT_ROLE, 'web') && e.SLACK_MODE === 'socket',
  },
  {
    variable: 'CLOUDFLARE_API_TOKEN',
    because: 'the worker role reads and changes DNS',
    applies: (e) => roleRuns(e.OPSBOT_ROLE, 'worker'),
  },
  {
    variable: 'CODER_SESSION_TOKEN',
    because: 'the worker role reads Coder health and provisioner queues',
    applies: (e) => roleRuns(e.OPSBOT_ROLE, 'worker'),
  },
  {
    variable: 'LITELLM_API_KEY',
    because: 'the worker role reads LiteLLM key information',
    applies: (e) => roleRuns(e.OPSBOT_ROLE, 'worker'),
  },
];

/** Variables the role needs but the environment lacks, with the reason, in a stable order. */
export function missingRequirements(env: Env): { variable: string; problem: string }[] {
  return REQUIREMENTS.filter((r) => r.applies(env) && env[r.variable] === undefined).map((r) => ({
    variable: r.variable,
    problem: `is required for role "${env.OPSBOT_ROLE}": ${r.because}`,
  }));
}
