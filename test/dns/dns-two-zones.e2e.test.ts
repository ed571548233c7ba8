import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';
import { planFor } from '../scale/e2e-kit.js';

// ai.coder.com with a second zone of its own, so one /dns sync is two Cloudflare batches.
const SECOND = 'coder-workshops.dev';
const LB = 'ai-coder-control-7f3a9c1e2b4d5f60.elb.us-east-2.amazonaws.com';
const secondZone = `
    - name: ${SECOND}
      records:
${['www', 'docs', 'status', 'labs']
  .map((n) => `        - { name: ${n}.${SECOND}, type: CNAME, content: ${LB}, proxied: false, ttl: 300 }`)
  .join('\n')}
`;

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsbot-two-zones-'));
  await mkdir(join(dir, 'environments'));
  const env = await readFile('infra/environments/ai.coder.com.yaml', 'utf8');
  const withZone = env.replace(/(\n {2}zones:\n)/, `$1${secondZone.replace(/^\n/, '')}`);
  if (withZone === env) throw new Error('ai.coder.com.yaml has no dns zones list to extend');
  await writeFile(join(dir, 'environments/ai.coder.com.yaml'), withZone);
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
    expect(content(SECOND, `docs.${SECOND}`)).toBe(LB);
    await sandbox.slack.settle();
  });
});
