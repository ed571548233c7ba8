import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { checkInventoryCredentials, loadConfig } from '../../src/config/load-config.js';
import { probeUrlVariable } from '../../src/config/probe-urls.js';

const secrets = {
  SLACK_BOT_TOKEN: ['xox', 'b-1111111111-2222222222-abcdefghijklmnopqrstuvwx'].join(''),
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  SLACK_APP_TOKEN: 'xapp-1-A0123456789-1234567890123-abcdef',
  CLOUDFLARE_API_TOKEN: 'cf-token-0123456789abcdefghijklmnopqrstuv',
  CODER_SESSION_TOKEN: 'AbCdEfGhIj-0123456789abcdefghijkl',
  LITELLM_API_KEY: 'sk-opsbot-0123456789abcdef',
};

const valid = {
  ...secrets,
  REDIS_URL: 'redis://:r3d1s%2Fpass@127.0.0.1:6379/0',
  PROBE_URL_CODER: 'http://127.0.0.1:4000/coder/',
  PROBE_URL_OREGON_PROXY: 'http://127.0.0.1:4000/oregon-proxy',
  SLACK_API_URL: 'http://127.0.0.1:5000/api',
  PATH: '/usr/bin',
};

function problemsOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses a complete environment and applies the defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      role: 'all',
      port: 3000,
      slack: { mode: 'http', botToken: secrets.SLACK_BOT_TOKEN, apiUrl: 'http://127.0.0.1:5000/api/' },
      redis: { url: valid.REDIS_URL, prefix: 'opsbot' },
      dohUrl: 'https://cloudflare-dns.com/dns-query',
      inventoryDir: 'infra',
      environment: 'ai.coder.com',
      logLevel: 'info',
      probeUrls: {
        coder: 'http://127.0.0.1:4000/coder',
        'oregon-proxy': 'http://127.0.0.1:4000/oregon-proxy',
      },
    });
    expect(config.aws).toEqual({ region: undefined, endpointUrl: undefined });
  });

  it('maps probe ids to their override variables and back', () => {
    const env = { ...valid, [probeUrlVariable('emea-proxy')]: 'http://127.0.0.1:4000/emea-proxy' };
    expect(probeUrlVariable('emea-proxy')).toBe('PROBE_URL_EMEA_PROXY');
    expect(loadConfig(env).probeUrls['emea-proxy']).toBe('http://127.0.0.1:4000/emea-proxy');
  });

  it('exposes every secret value for log redaction, including the Redis password', () => {
    const found = loadConfig(valid).secrets();
    for (const value of Object.values(secrets)) expect(found).toContain(value);
    expect(found).toContain('r3d1s/pass');
    expect(found).toContain('r3d1s%2Fpass');
  });

  it('reports every problem at once, naming each variable, without echoing values', () => {
    const error = problemsOf({
      OPSBOT_ROLE: 'worker',
      PORT: 'eighty',
      SLACK_BOT_TOKEN: ['xox', 'p-9999999999-user-token-pasted-by-mistake'].join(''),
      CODER_SESSION_TOKEN: 'definitely-not-a-coder-token-value',
      CLOUDFLARE_API_TOKEN: secrets.CLOUDFLARE_API_TOKEN,
      LOG_LEVEL: 'loud',
      AWS_REGION: 'ohio',
      PROBE_URL_CODER: 'ftp://nope',
      PROBE_URL_: 'http://127.0.0.1',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      [
        'PORT',
        'SLACK_BOT_TOKEN',
        'CODER_SESSION_TOKEN',
        'LOG_LEVEL',
        'AWS_REGION',
        'REDIS_URL',
        'PROBE_URL_CODER',
        'PROBE_URL_',
      ].sort(),
    );
    for (const p of error.problems) expect(error.message).toContain(`${p.variable}: ${p.problem}`);
    expect(error.message).toContain('REDIS_URL: is required for role "worker"');
    expect(error.message).toContain('SLACK_BOT_TOKEN: must be a Slack bot token');
    for (const leaked of [
      ['xox', 'p-9999999999'].join(''),
      'definitely-not-a-coder',
      secrets.CLOUDFLARE_API_TOKEN,
      'eighty',
      'loud',
    ]) {
      expect(error.message).not.toContain(leaked);
    }
  });

  it('asks each role only for what it needs', () => {
    const web = loadConfig({
      OPSBOT_ROLE: 'web',
      REDIS_URL: 'redis://127.0.0.1',
      ...pick('SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'),
    });
    expect(web.cloudflare.apiToken).toBeUndefined();

    const scheduler = loadConfig({ OPSBOT_ROLE: 'scheduler', REDIS_URL: 'redis://127.0.0.1' });
    expect(scheduler.role).toBe('scheduler');

    const socket = problemsOf({
      OPSBOT_ROLE: 'web',
      SLACK_MODE: 'socket',
      REDIS_URL: 'redis://127.0.0.1',
      ...pick('SLACK_BOT_TOKEN'),
    });
    expect(socket.problems).toEqual([
      { variable: 'SLACK_APP_TOKEN', problem: expect.stringContaining('Socket Mode') },
    ]);

    // The worker's service credentials follow the inventory: none is required before it is read.
    const worker = loadConfig({
      OPSBOT_ROLE: 'worker',
      REDIS_URL: 'redis://127.0.0.1',
      ...pick('SLACK_BOT_TOKEN'),
    });
    expect(worker.coder.sessionToken).toBeUndefined();
  });

  it('requires the worker’s service credentials only where the inventory uses the service, saying what uses it', () => {
    const worker = loadConfig({
      OPSBOT_ROLE: 'worker',
      REDIS_URL: 'redis://127.0.0.1',
      ...pick('SLACK_BOT_TOKEN', 'LITELLM_API_KEY'),
    });
    const dnsOnly = { name: 'dns.example', dns: { zones: [{ name: 'example.org' }] }, probes: [] };
    const withCoder = {
      name: 'ai.coder.com',
      dns: { zones: [] },
      probes: [
        { id: 'coder', kind: 'coder' },
        { id: 'litellm', kind: 'litellm' },
      ],
    };
    const unused = { name: 'bare', dns: { zones: [] }, probes: [] };
    expect(() => checkInventoryCredentials(worker, [unused])).not.toThrow();
    const error = (() => {
      try {
        checkInventoryCredentials(worker, [dnsOnly, withCoder]);
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((p) => p.variable)).toEqual(['CLOUDFLARE_API_TOKEN', 'CODER_SESSION_TOKEN']);
    expect(error.problems[0]!.problem).toContain('zone example.org (dns.example)');
    expect(error.problems[1]!.problem).toContain('Coder probe coder (ai.coder.com)');
    // Roles without a worker never need them.
    const web = loadConfig({
      OPSBOT_ROLE: 'web',
      REDIS_URL: 'redis://127.0.0.1',
      ...pick('SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'),
    });
    expect(() => checkInventoryCredentials(web, [dnsOnly, withCoder])).not.toThrow();
  });

  it('treats blank values as unset and assumes every role when the role itself is invalid', () => {
    const error = problemsOf({ OPSBOT_ROLE: 'boss', REDIS_URL: '   ', SLACK_SIGNING_SECRET: '' });
    const variables = error.problems.map((p) => p.variable);
    expect(variables[0]).toBe('OPSBOT_ROLE');
    expect(variables).toEqual(
      expect.arrayContaining(['REDIS_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']),
    );
    expect(error.message).not.toContain('boss');
  });
});

function pick(...names: (keyof typeof secrets)[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, secrets[n]]));
}
