import { z } from 'zod';

export const ROLES = ['web', 'worker', 'scheduler', 'all'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const httpUrl = (what: string) => z.url({ protocol: /^https?$/, error: `must be an http(s) URL of ${what}` });

// Custom messages everywhere: zod's defaults are fine, but ours must never quote the value.
const prefixed = (prefix: string, what: string) =>
  z.string().startsWith(prefix, { error: `must be ${what} (starts with "${prefix}")` });

/**
 * The environment as the bot reads it. Everything is optional here: which variables are required
 * depends on the role and Slack mode (see `role-requirements.ts`).
 */
export const EnvSchema = z.object({
  OPSBOT_ROLE: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).default('all'),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, { error: 'must be a port number (0-65535)' })
    .transform(Number)
    .refine((n) => n <= 65535, { error: 'must be a port number (0-65535)' })
    .default(3000),
  SLACK_MODE: z.enum(['http', 'socket'], { error: 'must be http or socket' }).default('http'),
  SLACK_BOT_TOKEN: prefixed('xoxb-', 'a Slack bot token').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, { error: 'is too short to be a Slack signing secret' }).optional(),
  SLACK_APP_TOKEN: prefixed('xapp-', 'a Slack app-level token').optional(),
  SLACK_API_URL: httpUrl('the Slack Web API (e.g. https://slack.com/api/)').optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'may only contain letters, digits, _ . : -' })
    .default('opsbot'),
  CLOUDFLARE_API_TOKEN: z.string().min(20, { error: 'is too short to be a Cloudflare API token' }).optional(),
  CLOUDFLARE_BASE_URL: httpUrl('the Cloudflare API (e.g. https://api.cloudflare.com/client/v4)').optional(),
  DOH_URL: httpUrl('a DNS-over-HTTPS JSON endpoint').default('https://cloudflare-dns.com/dns-query'),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as us-east-2' })
    .optional(),
  AWS_ENDPOINT_URL: httpUrl('an AWS-compatible endpoint').optional(),
  GHCR_URL: httpUrl('an OCI registry standing in for ghcr.io').optional(),
  ECR_REGISTRY_URL: httpUrl('an OCI registry standing in for the ECR mirrors').optional(),
  // Read here only to register them with the scrubber; the AWS SDK's provider chain still loads them.
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
  CODER_SESSION_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/, {
      error: 'must be a Coder session token (10 characters, "-", 22 characters)',
    })
    .optional(),
  LITELLM_API_KEY: prefixed('sk-', 'a LiteLLM key').optional(),
  INVENTORY_DIR: z.string().default('infra'),
  OPSBOT_ENVIRONMENT: z.string().default('ai.coder.com'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});
export type Env = z.infer<typeof EnvSchema>;

/**
 * Variables whose values are credentials: never echoed, always registered with the scrubber that
 * guards logs, the audit trail and every Slack message. The Redis password (in REDIS_URL) is added too.
 */
export const SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'CLOUDFLARE_API_TOKEN',
  'CODER_SESSION_TOKEN',
  'LITELLM_API_KEY',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const satisfies readonly (keyof Env)[];
