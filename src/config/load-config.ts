import { ConfigError, type ConfigProblem } from './config-error.js';
import { type Env, EnvSchema, type LOG_LEVELS, SECRET_VARIABLES } from './env-schema.js';
import { type ProbeTls, parseProbeTls } from './probe-tls.js';
import { parseProbeUrls } from './probe-urls.js';
import {
  type InventoryUse,
  missingForInventory,
  missingRequirements,
  type Role,
} from './role-requirements.js';

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  role: Role;
  port: number;
  slack: {
    mode: 'http' | 'socket';
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    /** Web API base URL with a trailing slash (the sandbox's Slack); Slack's own when unset. */
    apiUrl?: string;
  };
  redis: { url: string; prefix: string };
  cloudflare: { apiToken?: string; baseUrl?: string };
  dohUrl: string;
  /** Region and endpoint only: credentials come from the AWS default provider chain. */
  aws: { region?: string; endpointUrl?: string };
  /** Registry API base URLs overriding `https://ghcr.io` and the ECR hosts (the sandbox). */
  registries: { ghcrUrl?: string; ecrUrl?: string };
  coder: { sessionToken?: string };
  litellm: { apiKey?: string };
  /** Probe id → base URL overriding the inventory (`PROBE_URL_<ID>`). */
  probeUrls: Record<string, string>;
  /** Where the TLS check connects and which extra CA it trusts (`PROBE_TLS_*`; the sandbox). */
  probeTls: ProbeTls;
  inventoryDir: string;
  /** The environment (inventory name) commands act on when they don't name one. */
  environment: string;
  logLevel: LogLevel;
  /** Every secret value in this config, for the logger's redaction. */
  secrets(): string[];
}

type FieldValues = Partial<Record<keyof Env, unknown>>;

/** Blank values count as unset, as in most `.env` files; surrounding whitespace is dropped. */
function cleaned(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key]?.trim();
    out[key] = value === '' ? undefined : value;
  }
  return out;
}

/** Parses field by field so that every invalid variable is reported, not just the first. */
function parseFields(raw: Record<string, string | undefined>): {
  values: FieldValues;
  problems: ConfigProblem[];
} {
  const values: FieldValues = {};
  const problems: ConfigProblem[] = [];
  for (const [key, schema] of Object.entries(EnvSchema.shape) as [
    keyof Env,
    (typeof EnvSchema.shape)[keyof Env],
  ][]) {
    const result = schema.safeParse(raw[key]);
    if (result.success) values[key] = result.data;
    else problems.push({ variable: key, problem: result.error.issues[0]?.message ?? 'is invalid' });
  }
  return { values, problems };
}

/** Role and mode decide what is required; an invalid one is already reported, so assume the widest. */
function requirementProblems(values: FieldValues, raw: Record<string, string | undefined>): ConfigProblem[] {
  const present = Object.fromEntries(Object.keys(EnvSchema.shape).map((k) => [k, raw[k]]));
  const env = { ...present, ...values, OPSBOT_ROLE: values.OPSBOT_ROLE ?? 'all' } as Env;
  return missingRequirements(env);
}

function redisSecrets(url: string): string[] {
  const password = new URL(url).password;
  if (password === '') return [];
  const decoded = decodeURIComponent(password);
  return decoded === password ? [password] : [password, decoded];
}

function toConfig(env: Env, probeUrls: Record<string, string>, probeTls: ProbeTls): Config {
  const redisUrl = env.REDIS_URL as string;
  const secretValues = [
    ...SECRET_VARIABLES.map((name) => env[name]).filter((v): v is string => v !== undefined),
    ...redisSecrets(redisUrl),
  ];
  return {
    role: env.OPSBOT_ROLE,
    port: env.PORT,
    slack: {
      mode: env.SLACK_MODE,
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL?.replace(/\/*$/, '/'),
    },
    redis: { url: redisUrl, prefix: env.REDIS_PREFIX },
    cloudflare: { apiToken: env.CLOUDFLARE_API_TOKEN, baseUrl: env.CLOUDFLARE_BASE_URL },
    dohUrl: env.DOH_URL,
    aws: { region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL },
    registries: { ghcrUrl: env.GHCR_URL, ecrUrl: env.ECR_REGISTRY_URL },
    coder: { sessionToken: env.CODER_SESSION_TOKEN },
    litellm: { apiKey: env.LITELLM_API_KEY },
    probeUrls,
    probeTls,
    inventoryDir: env.INVENTORY_DIR,
    environment: env.OPSBOT_ENVIRONMENT,
    logLevel: env.LOG_LEVEL,
    secrets: () => [...secretValues],
  };
}

/**
 * Reads the bot's configuration from an injected environment (`process.env` in production).
 * Throws one `ConfigError` listing every problem; values are never quoted in it.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw = cleaned(env);
  const fields = parseFields(raw);
  const probes = parseProbeUrls(env);
  const tls = parseProbeTls(env);
  const problems = [
    ...fields.problems,
    ...requirementProblems(fields.values, raw),
    ...probes.problems,
    ...tls.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(EnvSchema.parse(raw), probes.urls, tls.tls);
}

/**
 * The second half of the start-up check, once the inventory is loaded: the worker's service credentials
 * are required only where an environment uses the service. Throws one `ConfigError` naming what needs each.
 */
export function checkInventoryCredentials(config: Config, environments: Iterable<InventoryUse>): void {
  const problems = missingForInventory(
    {
      OPSBOT_ROLE: config.role,
      CLOUDFLARE_API_TOKEN: config.cloudflare.apiToken,
      CODER_SESSION_TOKEN: config.coder.sessionToken,
      LITELLM_API_KEY: config.litellm.apiKey,
    },
    environments,
  );
  if (problems.length > 0) throw new ConfigError(problems);
}
