import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/create-logger.js';

function capture(): { stream: DestinationStream; lines: string[]; text: () => string } {
  const lines: string[] = [];
  return { stream: { write: (line: string) => lines.push(line) }, lines, text: () => lines.join('') };
}

const signingSecret = '8f14e45fceea167a5a36dedd4bea2543';
const cloudflareToken = 'Cf0123456789abcdefABCDEF0123456789abcdefgh';
const quotedSecret = 'pa"ss\\word-with-quotes';

function logger() {
  const out = capture();
  const log = createLogger({
    level: 'debug',
    secrets: [signingSecret, cloudflareToken, quotedSecret],
    destination: out.stream,
  });
  return { log, out };
}

describe('createLogger', () => {
  it('writes one parseable JSON line per call with level label, time and message', () => {
    const { log, out } = logger();
    log.info({ job: 'dns-plan', count: 3 }, 'planned task-runner change');
    expect(out.lines).toHaveLength(1);
    const line = JSON.parse(out.lines[0]!);
    expect(line).toMatchObject({
      level: 'info',
      job: 'dns-plan',
      count: 3,
      msg: 'planned task-runner change',
    });
    expect(typeof line.time).toBe('string');
  });

  it('never prints a registered secret, wherever it appears', () => {
    const { log, out } = logger();
    log.info(`verifying with ${signingSecret}`);
    log.info('format args too: %s', cloudflareToken);
    log.warn({ request: { body: { note: `token=${cloudflareToken}` } }, list: [signingSecret] }, 'nested');
    const err = new Error(`Cloudflare rejected ${cloudflareToken}`);
    log.error({ err }, 'call failed');
    log.error(new Error(`signature mismatch for ${signingSecret}`));
    log.child({ signing: signingSecret }).info('child bindings');
    log.info({ weird: quotedSecret }, `quoted ${quotedSecret}`);

    const text = out.text();
    expect(text).not.toContain(signingSecret);
    expect(text).not.toContain(cloudflareToken);
    expect(text).not.toContain(JSON.stringify(quotedSecret).slice(1, -1));
    for (const line of out.lines) expect(() => JSON.parse(line)).not.toThrow();
    const errLine = JSON.parse(out.lines[3]!);
    expect(errLine.err.message).toBe('Cloudflare rejected [redacted]');
    expect(errLine.err.stack).toContain('Cloudflare rejected [redacted]');
    expect(JSON.parse(out.lines[6]!).weird).toBe('[redacted]');
  });

  it('redacts credential fields by name at any depth', () => {
    const { log, out } = logger();
    log.info(
      {
        headers: { authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'application/json' },
        slack: { token: 'not-a-known-shape', signingSecret: 'whatever' },
        db: { password: 'hunter2hunter2' },
        secrets: ['one', 'two'],
        apiToken: 'abc',
        tokenCount: 12,
      },
      'request',
    );
    const line = JSON.parse(out.lines[0]!);
    expect(line.headers).toEqual({ authorization: '[redacted]', 'content-type': 'application/json' });
    expect(line.slack).toEqual({ token: '[redacted]', signingSecret: '[redacted]' });
    expect(line.db.password).toBe('[redacted]');
    expect(line.secrets).toBe('[redacted]');
    expect(line.apiToken).toBe('[redacted]');
    expect(line.tokenCount).toBe(12);
  });

  it('masks token-shaped strings nobody registered', () => {
    const { log, out } = logger();
    const samples = {
      bot: ['xox', 'b-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx'].join(''),
      app: 'xapp-1-A0123456789-1234567890123-abcdef0123456789',
      litellm: 'sk-Zm9vYmFyYmF6cXV4MTIz',
      eks: 'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eQ',
      aws: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    log.info(`slack said invalid_auth for ${samples.bot}; socket with ${samples.app}`);
    log.info({ detail: `LiteLLM key ${samples.litellm} expired` }, 'litellm');
    log.debug({ cmd: `curl -H "Authorization: Bearer ${samples.eks}"` }, 'kube call');
    log.info(`aws_secret_access_key = ${samples.aws}`);
    log.info({ creds: { detail: `AWS_SECRET_ACCESS_KEY="${samples.aws}"` } }, 'env dump');

    const text = out.text();
    for (const value of Object.values(samples)) expect(text).not.toContain(value);
    expect(JSON.parse(out.lines[0]!).msg).toBe(
      'slack said invalid_auth for [redacted]; socket with [redacted]',
    );
    expect(JSON.parse(out.lines[3]!).msg).toBe('aws_secret_access_key = [redacted]');
    expect(JSON.parse(out.lines[4]!).creds.detail).toBe('AWS_SECRET_ACCESS_KEY="[redacted]"');
  });

  it('respects the level', () => {
    const out = capture();
    const log = createLogger({ level: 'warn', secrets: [], destination: out.stream });
    log.info('hidden');
    log.warn('shown');
    expect(out.lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
