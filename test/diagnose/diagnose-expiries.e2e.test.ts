import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';
import { control, type Diagnosis, diagnose, fixButtons, ROOMY_CHECKS, sectionOf } from './diagnose-kit.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = (await startE2E(ROOMY_CHECKS)).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await control(sandbox, 'reset');
});

/** The blocks of one check's section, with its accessory if any. */
function sectionBlock(d: Diagnosis, title: string): { accessory?: unknown } | undefined {
  return (d.summary.blocks ?? []).find((b) =>
    ((b as { text?: { text?: string } }).text?.text ?? '').includes(`*${title}*`),
  ) as { accessory?: unknown } | undefined;
}

describe('/diagnose: credentials and certificates running out', () => {
  it('litellm: a provider key near expiry warns, an expired one and an expired LiteLLM key fail, with what to do', async () => {
    await control(sandbox, 'credentials/expire', { id: 'anthropic', in: '3d' });
    const { expires } = (await control(sandbox, 'credentials/expire', { id: 'openai', ago: '2d' })) as {
      expires: string;
    };
    await control(sandbox, 'credentials/expire', { id: 'litellm-key' });
    const d = await diagnose(sandbox, '/diagnose litellm');
    const creds = sectionOf(d, 'Credential expiry');
    expect(creds).toMatch(/^❌/);
    expect(creds).toContain('`anthropic` (Anthropic API key (LiteLLM)) expires in 3 days (under 7 days)');
    expect(creds).toContain('`openai` (OpenAI API key (LiteLLM)) expired 2 days ago');
    expect(creds).toContain(
      `Secret \`litellm/litellm-openai-key\` in us-east-2: \`ai.coder.com/expires-at\` = \`${expires.slice(0, 19)}Z\``,
    );
    expect(creds).toContain('to fix: create a project key in the OpenAI dashboard');
    // LiteLLM refuses an expired key; its refusal says when it expired.
    expect(creds).toMatch(/LiteLLM key of opsbot \(`litellm`\) expired (\d+ min|1 h) ago/);
    expect(creds).toContain("to fix: renew opsbot's LiteLLM key");
    expect(creds).not.toContain('bedrock');
    // Renewing happens at the provider: no button.
    expect(sectionBlock(d, 'Credential expiry')?.accessory).toBeUndefined();
    expect(fixButtons(d)).toEqual([]);
  });

  it('litellm: a credential Secret without its expiry annotation is a ❔ that says how to add it', async () => {
    await sandbox.sim.kube.control.setCredentialExpiry('bedrock', null);
    const d = await diagnose(sandbox, '/diagnose litellm');
    const creds = sectionOf(d, 'Credential expiry');
    expect(creds).toMatch(/^❔/);
    expect(creds).toContain(
      '`bedrock` (AWS Bedrock access key (LiteLLM)): expiry unknown (Secret `litellm/litellm-bedrock-credentials` has no `ai.coder.com/expires-at` annotation)',
    );
    expect(creds).toContain('kubectl annotate secret -n litellm litellm-bedrock-credentials');
  });

  it('routing: a certificate near expiry warns, an expired or self-signed one fails, a failed handshake is named', async () => {
    await control(sandbox, 'tls/certificate', { probe: 'oregon-proxy', expiresIn: '2d' });
    await control(sandbox, 'tls/certificate', { probe: 'litellm', expiredAgo: '1d' });
    await control(sandbox, 'tls/certificate', { probe: 'coder', selfSigned: true });
    await control(sandbox, 'unreachable', { api: 'tls:emea-proxy', down: true });
    const d = await diagnose(sandbox, '/diagnose routing');
    const tls = sectionOf(d, 'TLS certificates');
    expect(tls).toMatch(/^❌/);
    expect(tls).toContain('`oregon-proxy.ai.coder.com`: certificate expires in 2 days (under 7 days)');
    expect(tls).toContain('`litellm.ai.coder.com`: certificate expired 24 h ago');
    expect(tls).toContain('`ai.coder.com`: certificate not trusted (`DEPTH_ZERO_SELF_SIGNED_CERT`)');
    expect(tls).toContain('`emea-proxy.ai.coder.com`: TLS handshake failed');
    const full = `${tls}\n${d.thread.map((m) => JSON.stringify(m.blocks)).join('\n')}`;
    expect(full).toContain(
      '`oregon-proxy.ai.coder.com` presents `oregon-proxy.ai.coder.com` issued by `opsbot-sandbox-web-ca`',
    );
    expect(full).toContain('to fix: renew or re-issue it');
    expect(full).toContain('names: `DNS:oregon-proxy.ai.coder.com, DNS:*.oregon-proxy.ai.coder.com`');
    expect(sectionBlock(d, 'TLS certificates')?.accessory).toBeUndefined();
  });

  it('reset brings every certificate and credential back to green', async () => {
    await control(sandbox, 'tls/certificate', { probe: 'coder', expiredAgo: '1h' });
    await control(sandbox, 'credentials/expire', { id: 'anthropic' });
    await control(sandbox, 'reset');
    const d = await diagnose(sandbox, '/diagnose litellm');
    expect(d.text).toContain('✅ *Credential expiry*');
    const routing = await diagnose(sandbox, '/diagnose routing');
    expect(routing.text).toMatch(/✅ \*TLS certificates\* — `ai\.coder\.com`: (59|60) days left/);
  });
});
