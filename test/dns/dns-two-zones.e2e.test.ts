import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';
import { planFor } from '../scale/e2e-kit.js';
import { SECOND_ZONE, SECOND_ZONE_TARGET, twoZoneInventory } from './two-zone-inventory.js';

// ai.coder.com with a second zone of its own, so one /dns sync is two Cloudflare batches.
const SECOND = SECOND_ZONE;

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  dir = await twoZoneInventory();
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `t-dns2-${randomUUID()}`,
    stateDir: null,
    rolloutStepMs: 30,
    logLevel: 'silent',
    inventoryDir: dir,
  });
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a DNS change spanning two zones', () => {
  it('whose second zone fails after the first was written finishes on retry, not as a conflict', async () => {
    const control = sandbox.sim.cloudflare.control;
    control.setRecord('ai.coder.com', 'oregon-proxy.ai.coder.com', 'CNAME', {
      content: 'stray.example.com',
      ttl: 60,
    });
    control.setRecord(SECOND, `docs.${SECOND}`, 'CNAME', { content: 'stray.example.com', ttl: 60 });
    const plan = await planFor(sandbox, 'operator', '/dns sync');
    expect(plan.text).toContain('sync 2 drifted record set(s)');
    // The first zone's batch goes through; the second zone's fails (and so does the SDK's own retry).
    sandbox.sim.faults.fail('cloudflare', { status: 503, count: 2, methods: ['POST'], after: 1 });
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    const outcome = await sandbox.slack.waitFor(
      (m) => m.thread_ts === plan.ts && /Applied|was not applied/.test(m.text),
      30_000,
    );
    expect(outcome.text).toContain('Applied');
    expect(outcome.text).not.toContain('Not applied');
    const content = (zone: string, name: string) =>
      control.records(zone).find((r) => r.name === name)?.content;
    expect(content('ai.coder.com', 'oregon-proxy.ai.coder.com')).not.toBe('stray.example.com');
    expect(content(SECOND, `docs.${SECOND}`)).toBe(SECOND_ZONE_TARGET);
    await sandbox.slack.settle();
  });
});
