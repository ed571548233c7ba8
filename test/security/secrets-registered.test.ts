import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createSecretScrubber } from '../../src/logging/scrub-secrets.js';
import { untrusted } from '../../src/slack-text/untrusted.js';

// Built at run time and random, so no token-shaped literal sits in the tree and no pattern can guess them.
const random = (n: number) => randomBytes(n).toString('base64url').slice(0, n);
const credentials = {
  SLACK_BOT_TOKEN: ['xoxb', '1111111111', '2222222222', random(24)].join('-'),
  SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
  SLACK_APP_TOKEN: ['xapp', '1', 'A0123456789', '1234567890123', random(16)].join('-'),
  // An underscore on purpose: Slack-safe rendering swaps it for a lookalike, which must not unmask it.
  CLOUDFLARE_API_TOKEN: `${random(20)}_${random(19)}`,
  CODER_SESSION_TOKEN: `${randomBytes(5).toString('hex')}-${randomBytes(11).toString('hex')}`,
  LITELLM_API_KEY: `sk-${randomBytes(16).toString('hex')}`,
  AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64').slice(0, 40),
  AWS_SESSION_TOKEN: randomBytes(120).toString('base64'),
};
const redisPassword = random(24);
const env = {
  ...credentials,
  REDIS_URL: `redis://:${redisPassword}@127.0.0.1:6379/0`,
  AWS_REGION: 'us-east-2',
};

describe('every credential the bot holds is registered with the scrubber', () => {
  const config = loadConfig(env);

  it('lists the AWS secret access key and session token with the Slack, Cloudflare, Coder, LiteLLM and Redis secrets', () => {
    expect(config.secrets()).toEqual(expect.arrayContaining([...Object.values(credentials), redisPassword]));
  });

  it('masks each of them wherever it appears in a message, even with no telling name beside it', () => {
    const scrub = createSecretScrubber(config.secrets());
    for (const [name, value] of Object.entries({ ...credentials, REDIS_PASSWORD: redisPassword })) {
      const said = scrub(`--reason "pasted ${value} by mistake"`);
      expect(said, name).not.toContain(value);
      expect(said, name).toContain('[redacted]');
    }
  });

  it('still masks a credential after it was escaped for Slack (as a pasted --reason is)', () => {
    const scrub = createSecretScrubber(config.secrets());
    for (const [name, value] of Object.entries(credentials)) {
      const said = scrub(`reason: ${untrusted(`pasted ${value} by mistake`)}`);
      expect(said, name).not.toContain(untrusted(value));
      expect(said, name).toContain('[redacted]');
    }
  });
});
