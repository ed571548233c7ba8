import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/checks/all-checks.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';
import { control, diagnose, ROOMY_CHECKS, sectionOf } from './diagnose-kit.js';

let e2e: Awaited<ReturnType<typeof startE2E>>;
let sandbox: Sandbox;

beforeAll(async () => {
  e2e = await startE2E(ROOMY_CHECKS);
  sandbox = e2e.sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});

describe('/diagnose on a healthy environment and with a cluster down', () => {
  it('says every check is green on the seeded environment (no false alarms), editing one message', async () => {
    const d = await diagnose(sandbox, '/diagnose all');
    expect(d.summary.channel).toBe(sandbox.state.slack.channelId);
    expect(d.text).toContain(`✅ ${ALL_CHECKS.length}`);
    expect(d.text).not.toMatch(/❌|⚠️|❔/);
    for (const check of ALL_CHECKS) expect(d.text).toContain(`✅ *${check.title}*`);
    expect(d.text).toContain('us-east-2: 4 nodes, highest');
    expect(d.text).toContain('3 deployments on `sha256:');
    expect(d.text).toContain('6 records match the inventory and resolve');
    // Progress, then the summary: one message, edited.
    expect(d.versions[0]?.via).toBe('chat.postMessage');
    expect(d.versions.at(-1)?.via).toBe('chat.update');
    expect(d.versions.some((v) => /checks answered/.test(v.text))).toBe(true);
    expect(d.thread).toHaveLength(0);
    expect(e2e.leakedSecrets()).toEqual([]);
  });

  it('runs only the checks of one situation', async () => {
    const d = await diagnose(sandbox, '/diagnose dns');
    expect(d.text).toContain('✅ 1');
    expect(d.text).toContain('*DNS records*');
    expect(d.text).not.toContain('Node ephemeral storage');
  });

  it('refuses an unknown area in the ack, naming the areas', async () => {
    const ack = await sandbox.slack.command('viewer', '/diagnose everything');
    expect(ack.text).toContain(
      'the area is one of all, restarts, routing, litellm, capacity, images, provisioners, dns',
    );
    expect(ack.text).toContain('Usage: `/diagnose [area] [--env');
  });

  it('reports an unreachable cluster as unknown while the other clusters and endpoints answer', async () => {
    await control(sandbox, 'unreachable', { api: 'kube:us-west-2', down: true });
    try {
      const d = await diagnose(sandbox, '/diagnose all');
      const storage = sectionOf(d, 'Node ephemeral storage');
      expect(storage).toMatch(/^❔/);
      expect(storage).toContain('`us-west-2`: unreachable (no connection)');
      // Every check that could only not read that cluster shares one line.
      expect(storage).toContain('*Node pressure (disk, memory)*');
      expect(storage).toContain('8 checks; the rest of each is fine');
      expect(sectionOf(d, 'Coder image digest (control plane = proxies)')).toContain(
        '`proxy:us-west-2`: unreachable (no connection)',
      );
      // What does not depend on that cluster still answers green.
      expect(d.text).toContain('✅ *Coder and workspace proxy health*');
      expect(d.text).toContain('✅ *DNS records*');
      expect(d.text).toContain('✅ *LiteLLM key rotation*');
      expect(d.text).not.toContain('❌');
    } finally {
      await control(sandbox, 'unreachable', { api: 'kube:us-west-2', down: false });
    }
  });
});
