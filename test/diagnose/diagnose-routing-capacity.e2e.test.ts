import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { buttonsOf } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';
import { control, diagnose, fixButton, pressFix, ROOMY_CHECKS, sectionOf } from './diagnose-kit.js';

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

const planAfter = (seen: number, threadTs: string) =>
  sandbox.slack.waitFor(
    (m) =>
      m.seq > seen && m.thread_ts === threadTs && buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
  );

describe('/diagnose: routing, capacity, DNS and LiteLLM situations', () => {
  it('routing: a proxy on another Coder build is named with both digests, though its spec is unchanged', async () => {
    const { digest } = (await control(sandbox, 'images/diverge', { cluster: 'us-west-2' })) as {
      digest: string;
    };
    await sandbox.sim.kube.control.settled('us-west-2');
    const d = await diagnose(sandbox, '/diagnose routing');
    const images = sectionOf(d, 'Coder image digest (control plane = proxies)');
    expect(images).toMatch(/^❌/);
    expect(images).toContain('`proxy:us-west-2` runs another Coder build than the control plane');
    expect(images).toContain(`\`proxy:us-west-2\` (us-west-2): \`${digest.slice(0, 19)}…\` ×2`);
    expect(images).toMatch(/`coder` \(us-east-2\): `sha256:[0-9a-f]{12}…` ×2/);
    expect(d.text).toContain('✅ *DNS records*');
  });

  it('capacity: Karpenter stopped, a NodeClaim stuck, no room left: each named with its evidence', async () => {
    await control(sandbox, 'karpenter/stop', { cluster: 'us-east-2', stopped: true });
    // Its pods gone first: what they held is then taken by the batch load below.
    await sandbox.sim.kube.control.settled('us-east-2');
    const { name: claim } = (await control(sandbox, 'karpenter/stuck-claim', { cluster: 'us-east-2' })) as {
      name: string;
    };
    await control(sandbox, 'nodes/capacity', { cluster: 'us-east-2', exhausted: true });
    await control(sandbox, 'deployments/scale', {
      cluster: 'us-east-2',
      namespace: 'coder',
      name: 'coder-provisioner-default',
      replicas: 8,
    });
    // Settled: the scheduler has tried the new pods and marked them unschedulable.
    await sandbox.sim.kube.control.settled('us-east-2');
    const d = await diagnose(sandbox, '/diagnose capacity');
    const karpenter = sectionOf(d, 'Karpenter (node autoscaling)');
    expect(karpenter).toContain('us-east-2: Karpenter controller not running (0/0 pods ready)');
    expect(karpenter).toContain(`NodeClaim \`${claim}\` (pool \`default\`) stuck`);
    expect(karpenter).toContain('`InsufficientCapacityError`: creating instance, insufficient capacity');
    const pending = sectionOf(d, 'Unschedulable pods');
    expect(pending).toContain('us-east-2: 2 pods cannot be scheduled');
    expect(pending).toContain('Insufficient cpu');
    expect(pending).toContain('`coder/coder-provisioner-default-');
    expect(sectionOf(d, 'Capacity headroom')).toContain(
      'us-east-2: pool `default` has 0 % headroom (minimum 30 %)',
    );
    expect(d.text).not.toContain('us-west-2: Karpenter');
  });

  it('dns: a record edited in the dashboard offers a sync, which plans the inventory value back', async () => {
    await control(sandbox, 'dns/record', {
      zone: 'ai.coder.com',
      name: 'oregon-proxy.ai.coder.com',
      type: 'CNAME',
      content: 'elsewhere.example.net',
    });
    const d = await diagnose(sandbox, '/diagnose dns');
    const dns = sectionOf(d, 'DNS records');
    expect(dns).toMatch(/^❌/);
    expect(dns).toContain('Cloudflare has `elsewhere.example.net`');
    expect(dns).toContain('inventory says `ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com`');
    expect(fixButton(d)?.label).toBe('Sync 1 DNS record to the inventory');
    const seen = sandbox.slack.messages().length;
    await pressFix(sandbox, 'operator', d, fixButton(d)!.value);
    const plan = await planAfter(seen, d.summary.ts);
    expect(`${plan.text}${JSON.stringify(plan.blocks)}`).toContain('oregon-proxy.ai.coder.com');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const record = sandbox.sim.cloudflare.control
      .records('ai.coder.com')
      .find((r) => r.name === 'oregon-proxy.ai.coder.com');
    expect(record?.content).toBe('ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com');
  });

  it('litellm: the database down, and a key rotation due within the hour with a pause offered', async () => {
    await control(sandbox, 'coder/database', { failing: true });
    await control(sandbox, 'clock/advance', { by: '90m' });
    const d = await diagnose(sandbox, '/diagnose litellm');
    expect(sectionOf(d, 'LiteLLM')).toContain('`litellm`: database `disconnected`');
    const rotation = sectionOf(d, 'LiteLLM key rotation');
    expect(rotation).toMatch(/^⚠️/);
    expect(rotation).toMatch(/next key rotation due in \d+ min: it will restart every workspace/);
    expect(fixButton(d)?.label).toBe('Pause rotation for 3 h');
    const seen = sandbox.slack.messages().length;
    await pressFix(sandbox, 'operator', d, fixButton(d)!.value);
    const plan = await planAfter(seen, d.summary.ts);
    expect(`${plan.text}${JSON.stringify(plan.blocks)}`).toMatch(/pause/i);
  });
});
