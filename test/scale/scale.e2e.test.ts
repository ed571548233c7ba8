import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import {
  deployment,
  ephemeralsFor,
  planFor,
  requestJobs,
  startTestSandbox,
  threadOf,
  until,
} from './e2e-kit.js';

let sandbox: Sandbox;
const text = (m: { text: string; blocks?: unknown }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const stuckPods = (prefix: string, status: RegExp) =>
  sandbox.sim.kube.control
    .snapshot('us-east-2')
    .pods.filter((p) => p.name.startsWith(prefix) && status.test(p.status)).length;

async function untilAsync(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/scale', () => {
  it('scales up and down through plan → approve → apply, following the rollout to ready', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners 8 --reason "workshop"');
    expect(text(plan)).toContain('6 desired / 6 ready → *8*');
    expect(text(plan)).toContain('+1 CPU, +1Gi');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-default')).toMatchObject({
      desired: 8,
      ready: 8,
    });
    const thread = threadOf(sandbox, plan).map((m) => m.text);
    expect(thread.some((t) => /Rollout complete .*`provisioners` 8\/8 ready/.test(t))).toBe(true);
    expect(thread.some((t) => t.includes('Applied and verified: scale `provisioners` to 8 (workshop)'))).toBe(
      true,
    );
    // The progress message was edited, not reposted.
    const progress = sandbox.slack.messages().filter((m) => m.thread_ts === plan.ts && /Roll/.test(m.text));
    expect(new Set(progress.map((m) => m.ts)).size).toBe(1);

    const down = await planFor(sandbox, 'operator', '/scale provisioners 4');
    expect(text(down)).toContain('8 desired / 8 ready → *4*');
    await sandbox.slack.press('operator2', down, 'plan.approve');
    await sandbox.slack.settle();
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-default')).toMatchObject({
      desired: 4,
      ready: 4,
    });
  });

  it('refuses counts outside the inventory bounds and unknown targets, changing nothing', async () => {
    // Refused in the ack itself, from the inventory alone: nothing is queued.
    const jobsBefore = await requestJobs(sandbox);
    const acks = [
      await sandbox.slack.command('operator', '/scale provisioners 20'),
      await sandbox.slack.command('operator', '/scale provisionerz 3'),
      await sandbox.slack.command('operator', '/scale key-rotator 0'),
    ];
    const said = acks.map((a) => a.text).join('\n');
    expect(said.match(/Nothing was done/g)).toHaveLength(3);
    expect(await requestJobs(sandbox)).toBe(jobsBefore);
    expect(said).toContain(
      '`provisioners` takes 1–15 replicas in ai.coder.com (inventory bounds); 20 is outside them.',
    );
    expect(said).toContain('Unknown target `provisionerz` in ai.coder.com.');
    expect(said).toContain('`proxy:us-west-2`');
    expect(said).toContain('/rotation pause');
    const usage = await sandbox.slack.command('operator', '/scale provisioners');
    expect(usage.text).toContain('missing arguments');
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-default').desired).toBe(4);
  });

  it('warns when an HPA or Argo CD owns the replica count', async () => {
    sandbox.sim.kube.control.addHpa('us-east-2', 'litellm', 'litellm', 2, 8);
    sandbox.sim.kube.control.setManagedBy('us-east-2', 'litellm', 'litellm', 'argocd');
    const plan = await planFor(sandbox, 'operator', '/scale litellm 6');
    expect(text(plan)).toContain('is also managed by HPA `litellm` (2–8 replicas) and Argo CD');
    await sandbox.slack.press('operator', plan, 'plan.cancel');
    await sandbox.slack.settle();
  });

  it('refuses to apply when the replicas changed between plan and apply', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:demo 4');
    sandbox.sim.kube.control.setReplicas('us-east-2', 'coder', 'coder-provisioner-demo', 3);
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    const all = sandbox.slack
      .messages()
      .map((m) => m.text)
      .join('\n');
    expect(all).toContain('Not applied: the live value changed after this plan was made');
    expect(all).toContain('`provisioners:demo` 3 desired');
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-demo').desired).toBe(3);
  });

  it('reverts a --for change by itself when the time is up', async () => {
    const plan = await planFor(sandbox, 'operator', '/scale provisioners:experimental 3 --for 2s');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.settle();
    expect(deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-experimental').desired).toBe(3);
    expect(threadOf(sandbox, plan).some((m) => m.text.includes('Reverts automatically'))).toBe(true);
    await sandbox.slack.waitFor((m) =>
      m.text.includes(`Revert of plan \`${/p-[0-9a-f]+/.exec(plan.text)?.[0]}\``),
    );
    await until(() => {
      const d = deployment(sandbox, 'us-east-2', 'coder', 'coder-provisioner-experimental');
      return d.desired === 2 && d.ready === 2;
    });
    await sandbox.slack.settle();
    expect(
      threadOf(sandbox, plan).some((m) =>
        m.text.includes('Applied and verified: scale `provisioners:experimental` to 2'),
      ),
    ).toBe(true);
  });

  it('explains a rollout that cannot finish: no room on the nodes, then an image that will not pull', async () => {
    sandbox.sim.kube.control.exhaustCapacity('us-east-2', true);
    const plan = await planFor(sandbox, 'operator', '/scale provisioners 6');
    await sandbox.slack.press('operator2', plan, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.thread_ts === plan.ts && m.text.includes('Rolling out'));
    await until(() => stuckPods('coder-provisioner-default', /Pending/) === 2);
    await untilAsync(async () => {
      const pods = await sandbox
        .bot!.deps.clusters.client('us-east-2')
        .listPods('coder', 'app=coder-provisioner');
      return pods.filter((p) => p.unschedulable).length === 2;
    });
    sandbox.sim.clock.advance(6 * 60_000); // past the 5 min rollout deadline (on the shared clock)
    await sandbox.slack.settle();
    const stuck = threadOf(sandbox, plan)
      .map((m) => m.text)
      .join('\n');
    expect(stuck).toContain('Rollout not finished');
    expect(stuck).toMatch(
      /2 pod\(s\) Pending \(cannot be scheduled\) — 0\/\d+ nodes are available: .*Insufficient cpu/,
    );
    expect(stuck).toContain('Applied, but verification failed');
    sandbox.sim.kube.control.exhaustCapacity('us-east-2', false);

    sandbox.sim.kube.control.failImagePull('us-east-2', 'coder', 'coder-provisioner-demo', true);
    const pull = await planFor(sandbox, 'operator', '/scale provisioners:demo 5');
    await sandbox.slack.press('operator2', pull, 'plan.approve');
    await sandbox.slack.waitFor((m) => m.thread_ts === pull.ts && m.text.includes('Rolling out'));
    await until(() => stuckPods('coder-provisioner-demo', /ImagePull|ErrImage/) === 2);
    sandbox.sim.clock.advance(6 * 60_000);
    await sandbox.slack.settle();
    const pulled = threadOf(sandbox, pull)
      .map((m) => m.text)
      .join('\n');
    expect(pulled).toMatch(/2 pod\(s\) in (ImagePullBackOff|ErrImagePull)/);
    expect(pulled).toContain('the image cannot be pulled');
  });

  it('recommends replicas for a number of users from the capacity table', async () => {
    await sandbox.slack.command('viewer', '/scale recommend 25');
    await sandbox.slack.settle();
    const said = ephemeralsFor(sandbox, 'viewer').join('\n');
    expect(said).toContain('`provisioners`: *12–15* replicas');
    expect(said).toContain('17 % headroom in the ≤ 30 users tier');
    expect(said).toContain('`litellm`: *6* replicas');
    expect(said).toContain('/scale provisioners 15 --for 4h');
  });
});
