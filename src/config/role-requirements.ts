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
 * What each role needs regardless of the inventory (also documented in `.env.example`):
 * - every role: REDIS_URL (queues, plans, locks and audit live there);
 * - web: SLACK_BOT_TOKEN, plus SLACK_SIGNING_SECRET (http mode) or SLACK_APP_TOKEN (socket mode);
 * - worker: SLACK_BOT_TOKEN (posts results);
 * - scheduler: only REDIS_URL (it enqueues; workers do the I/O).
 * The worker's service credentials follow the inventory instead (see INVENTORY_CREDENTIALS).
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
];

/** Variables the role needs but the environment lacks, with the reason, in a stable order. */
export function missingRequirements(env: Env): { variable: string; problem: string }[] {
  return REQUIREMENTS.filter((r) => r.applies(env) && env[r.variable] === undefined).map((r) => ({
    variable: r.variable,
    problem: `is required for role "${env.OPSBOT_ROLE}": ${r.because}`,
  }));
}

/** The parts of an inventory environment that decide which service credentials the worker needs. */
export interface InventoryUse {
  name: string;
  dns: { zones: { name: string }[] };
  probes: { id: string; kind: string }[];
}

interface InventoryCredential {
  variable: 'CLOUDFLARE_API_TOKEN' | 'CODER_SESSION_TOKEN' | 'LITELLM_API_KEY';
  /** What in the inventory uses it, named for the message ("zones ai.coder.com"); empty when unused. */
  usedBy: (env: InventoryUse) => string[];
  because: string;
}

/**
 * The worker's service credentials, each required only when an environment of the inventory uses the
 * service: a team without Cloudflare zones (or Coder, or LiteLLM probes) runs without that token. The
 * chart hands the worker all three as optional Secret keys; the bot checks them against the inventory
 * at start, naming what needs each one.
 */
export const INVENTORY_CREDENTIALS: readonly InventoryCredential[] = [
  {
    variable: 'CLOUDFLARE_API_TOKEN',
    usedBy: (e) => e.dns.zones.map((z) => `zone ${z.name}`),
    because: '/dns, /ops status and /diagnose dns read and change its records through Cloudflare',
  },
  {
    variable: 'CODER_SESSION_TOKEN',
    usedBy: (e) => e.probes.filter((p) => p.kind === 'coder').map((p) => `Coder probe ${p.id}`),
    because:
      '/diagnose reads Coder’s debug health and provisioner queue, and /workshop runs its smoke tests, with it',
  },
  {
    variable: 'LITELLM_API_KEY',
    usedBy: (e) => e.probes.filter((p) => p.kind === 'litellm').map((p) => `LiteLLM probe ${p.id}`),
    because: '/diagnose and /workshop prep read the key’s expiry from LiteLLM (/key/info)',
  },
];

/**
 * Service credentials the worker lacks although the inventory uses the service, with what uses it.
 * Roles without a worker need none of them.
 */
export function missingForInventory(
  env: Pick<Env, 'OPSBOT_ROLE'> & Partial<Record<InventoryCredential['variable'], string | undefined>>,
  environments: Iterable<InventoryUse>,
): { variable: string; problem: string }[] {
  if (!roleRuns(env.OPSBOT_ROLE, 'worker')) return [];
  const envs = [...environments];
  return INVENTORY_CREDENTIALS.flatMap((c) => {
    if (env[c.variable] !== undefined) return [];
    const users = envs.flatMap((e) => c.usedBy(e).map((what) => `${what} (${e.name})`));
    if (users.length === 0) return [];
    return [
      {
        variable: c.variable,
        problem: `is required for role "${env.OPSBOT_ROLE}" because the inventory uses it: ${users.join(', ')}; ${c.because}`,
      },
    ];
  });
}
