import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { buttonsOf, deployment, until } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';
import {
  control,
  diagnose,
  fixButton,
  fixButtons,
  pressFix,
  ROOMY_CHECKS,
  sectionOf,
} from './diagnose-kit.js';

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

const podsOf = (cluster: string, prefix: string) =>
  sandbox.sim.kube.control.snapshot(cluster).pods.filter((p) => p.name.startsWith(prefix));

describe('/diagnose names the runbook situation a fault produced', () => {
  it('restarts: a full node and an evicted workspace, with the node, the percentage and the kubelet reason', async () => {
    const node = sandbox.sim.kube.control
      .snapshot('us-east-2')
      .nodes.find((n) => n.pool === 'workspaces')!.name;
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node, percent: 93 });
    const workspace = podsOf('us-east-2', 'coder-alice-workshop')[0]!.name;
    await control(sandbox, 'pods/evict', {
      cluster: 'us-east-2',
      namespace: 'coder-workspaces',
      pod: workspace,
    });
    const d = await diagnose(sandbox, '/diagnose restarts');
    const storage = sectionOf(d, 'Node ephemeral storage');
    expect(storage).toMatch(/^❌/);
    expect(storage).toContain(`node \`${node}\` 93 % used (limit 60 %)`);
    expect(storage).toContain('the kubelet evicts pods at 90 %');
    expect(storage).toContain('largest users: `coder-workspaces/');
    expect(sectionOf(d, 'Node pressure (disk, memory)')).toContain(
      'DiskPressure=True: kubelet has disk pressure',
    );
    const evicted = sectionOf(d, 'Evicted pods');
    expect(evicted).toContain('us-east-2: 1 pod evicted in the last 24 h (low on `ephemeral-storage`)');
    expect(evicted).toContain(`\`coder-workspaces/${workspace}\` on \`${node}\``);
    // Nothing else was touched: the rotation and crash-loop checks stay green.
    expect(d.text).toContain('✅ *LiteLLM key rotation*');
    expect(d.text).toContain('✅ *Crash loops and OOM kills*');
    expect(fixButtons(d)).toEqual([]);
  });

  it('provisioners: crash-looping provisioners come first, with restarts and the last exit', async () => {
    await control(sandbox, 'pods/crashloop', {
      cluster: 'us-east-2',
      namespace: 'coder',
      name: 'coder-provisioner-default',
    });
    await until(() =>
      podsOf('us-east-2', 'coder-provisioner-default').every((p) => p.status === 'CrashLoopBackOff'),
    );
    const d = await diagnose(sandbox, '/diagnose provisioners');
    const crash = sectionOf(d, 'Crash loops and OOM kills');
    expect(crash).toMatch(/^❌/);
    expect(crash).toContain('us-east-2: 6 containers crash-looping (`provisioners`)');
    expect(crash).toMatch(
      /`coder\/coder-provisioner-default-[a-z0-9]+-[a-z0-9]+` container `coder`: (`CrashLoopBackOff`, )?\d+ restarts?, last exit 1 `Error`/,
    );
    // Too much evidence for the summary: the rest is in the thread.
    expect(JSON.stringify(d.thread.map((m) => m.blocks))).toContain(
      'Crash loops and OOM kills* — every finding',
    );
  });

  it('litellm: containers killed for memory are named with their limit', async () => {
    await control(sandbox, 'pods/crashloop', {
      cluster: 'us-east-2',
      namespace: 'litellm',
      name: 'litellm',
      reason: 'OOMKilled',
    });
    await until(() =>
      podsOf('us-east-2', 'litellm-')
        .filter((p) => !p.name.startsWith('litellm-key-rotator'))
        .every((p) => !p.ready),
    );
    const d = await diagnose(sandbox, '/diagnose litellm');
    const crash = sectionOf(d, 'Crash loops and OOM kills');
    expect(crash).toMatch(/^❌/);
    expect(crash).toContain('us-east-2: 4 containers crash-looping, 4 OOMKilled (`litellm`)');
    expect(crash).toMatch(/last exit 137 `OOMKilled` [^›]*\(memory limit `4Gi`\)/);
    expect(sectionOf(d, 'LiteLLM')).toContain('`litellm`: 0/4 replicas ready');
  });

  it('provisioners: a job queue offers "Scale provisioners to N", which opens the normal plan and fixes it', async () => {
    await control(sandbox, 'coder/pending-jobs', { org: 'default', count: 4 });
    const d = await diagnose(sandbox, '/diagnose provisioners');
    const queue = sectionOf(d, 'Provisioner job queue');
    expect(queue).toMatch(/^❌/);
    expect(queue).toContain('org `default`: 4 builds queued behind 6 ready provisioners');
    expect(queue).toContain('4 jobs waiting; `provisioners` 6/6 ready');
    const fix = fixButton(d);
    expect(fix?.label).toBe('Scale provisioners to 10');
    const seen = sandbox.slack.messages().length;
    await pressFix(sandbox, 'operator', d, fix!.value);
    const plan = await sandbox.slack.waitFor(
      (m) => m.seq > seen && buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
    );
    expect(plan.thread_ts).toBe(d.summary.ts);
    expect(JSON.stringify(plan.blocks)).toContain('6 desired / 6 ready → *10*');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-default')).toMatchObject({
      desired: 10,
    });
  });

  it('images: a failing pull names the image and the registry answer', async () => {
    await control(sandbox, 'pods/image-pull', {
      cluster: 'us-east-2',
      namespace: 'litellm',
      name: 'litellm',
    });
    await control(sandbox, 'deployments/scale', {
      cluster: 'us-east-2',
      namespace: 'litellm',
      name: 'litellm',
      replicas: 5,
    });
    await until(() => podsOf('us-east-2', 'litellm-').some((p) => /ImagePull/.test(p.status)));
    const d = await diagnose(sandbox, '/diagnose images');
    const pulls = sectionOf(d, 'Image pulls');
    expect(pulls).toMatch(/^❌/);
    expect(pulls).toContain(
      'us-east-2: 1 container cannot pull `ghcr.io/berriai/litellm:v1.79.0-stable` (`litellm`)',
    );
    expect(pulls).toMatch(/`(ErrImagePull|ImagePullBackOff)` `ghcr.io\/berriai\/litellm:v1.79.0-stable`/);
    expect(d.text).toContain('✅ *Coder image digest (control plane = proxies)*');
  });
});
