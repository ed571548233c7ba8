import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/jobs/alerts/evaluate-alerts.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control, ROOMY_CHECKS } from '../diagnose/diagnose-kit.js';
import { buttonsOf } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = (await startE2E(ROOMY_CHECKS)).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});

const deps = () => sandbox.bot!.deps;
const env = () => deps().environments.get('ai.coder.com')!;
const MIN = 60_000;

/** The checks under test: a run of those alone is quicker, and leaves the other alerts as they are. */
let only: string[] = [];

/** One manual evaluation run of the checks under test, its messages delivered before it returns. */
async function evaluate(): Promise<void> {
  const e = env();
  const alerts = { ...e.alerts!, checks: e.alerts!.checks.filter((c) => only.includes(c.id)) };
  for (;;) {
    const s = await evaluateAlerts(deps(), { ...e, alerts });
    if (!s.skipped) {
      // What the channel's pace left goes out with an `alerts.deliver` job.
      if (s.pendingUntil !== undefined) await sandbox.slack.settle();
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs evaluations until `done` holds (a fault can take a moment to show in pod statuses). */
async function evaluateUntil(done: () => boolean, runs = 12): Promise<number> {
  for (let i = 1; i <= runs; i++) {
    await evaluate();
    if (done()) return i;
  }
  throw new Error(`not after ${runs} runs`);
}

/** What an alert looks like in Slack: its title and its subject in the headline. */
interface Alert {
  title: string;
  subject: string;
}
const headline = (a: Alert) => (m: RecordedMessage) =>
  !m.thread_ts && m.text.split('\n')[0]!.includes(`*${a.title}* — \`${a.subject}\``);
const posts = (a: Alert) =>
  sandbox.slack.messages().filter((m) => m.via === 'chat.postMessage' && headline(a)(m));
const edits = (ts: string) => sandbox.slack.messages().filter((m) => m.via === 'chat.update' && m.ts === ts);
const resolutions = (ts: string) =>
  sandbox.slack.messages().filter((m) => m.thread_ts === ts && m.text.startsWith('✅ Resolved'));

/**
 * A fault through the control API and its alert's whole life: posted once after two failing runs, edited
 * (not reposted) while it lasts, resolved in its thread after two passing runs once the fault is cleared.
 */
async function lifecycle(
  alert: Alert & { checks: string[] },
  fault: { inject(): Promise<void>; change(): Promise<void>; changed: string; clear(): Promise<void> },
) {
  only = alert.checks;
  await fault.inject();
  const runs = await evaluateUntil(() => posts(alert).length > 0);
  expect(runs).toBeGreaterThanOrEqual(2);
  const [message] = posts(alert);
  expect(message!.text).toContain(alert.title);

  await fault.change();
  await evaluateUntil(() => edits(message!.ts).some((m) => m.text.includes(fault.changed)));
  await evaluate();
  expect(posts(alert)).toHaveLength(1);

  await fault.clear();
  await evaluateUntil(() => resolutions(message!.ts).length > 0);
  await evaluate();
  expect(resolutions(message!.ts)).toHaveLength(1);
  expect(edits(message!.ts).at(-1)?.text).toContain('RESOLVED');
  expect(posts(alert)).toHaveLength(1);
  return message!;
}

const nodes = () => sandbox.sim.kube.control.snapshot('us-east-2').nodes.map((n) => n.name);

/** A fault recipe for every check the inventory alerts on: adding a check there without one fails here. */
const COVERED = [
  'node-storage',
  'node-pressure',
  'image-digests',
  'image-mirror',
  'crash-loops',
  'key-rotation',
  'credentials-expiry',
  'tls-expiry',
];

describe('every alerting check, fired through the control API', () => {
  it('the inventory alerts on no check without a recipe here', () => {
    expect(
      env()
        .alerts?.checks.map((c) => c.id)
        .filter((id) => !COVERED.includes(id)),
    ).toEqual([]);
  });

  it('node-storage: a filling node', async () => {
    const node = nodes()[0]!;
    const fill = (percent: number) => control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node, percent });
    const m = await lifecycle(
      { title: 'Node ephemeral storage', subject: node, checks: ['node-storage'] },
      {
        inject: () => fill(86).then(() => {}),
        change: () => fill(88).then(() => {}),
        changed: '88 % used',
        clear: () => fill(20).then(() => {}),
      },
    );
    expect(m.text).toContain('86 % used');
  });

  it('node-pressure: a node the kubelet reports under disk pressure', async () => {
    const node = nodes()[1]!;
    const fill = (percent: number) => control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node, percent });
    const m = await lifecycle(
      { title: 'Node pressure (disk, memory)', subject: node, checks: ['node-pressure', 'node-storage'] },
      {
        inject: () => fill(95).then(() => {}),
        // What it shows: how long it has lasted.
        change: async () => {
          sandbox.sim.clock.advance(3 * MIN);
        },
        changed: 'firing for 3 min',
        clear: () => fill(20).then(() => {}),
      },
    );
    expect(m.text).toContain('DiskPressure');
    // The same node is full too: its storage alert came and went with it.
    const storage = posts({ title: 'Node ephemeral storage', subject: node });
    expect(storage).toHaveLength(1);
    expect(resolutions(storage[0]!.ts)).toHaveLength(1);
  });

  it('image-digests: a proxy on another Coder build than the control plane', async () => {
    const coder = sandbox.sim.images.coder!;
    const m = await lifecycle(
      {
        title: 'Coder image digest (control plane = proxies)',
        subject: 'proxy:us-west-2',
        checks: ['image-digests'],
      },
      {
        inject: () => control(sandbox, 'images/diverge', { cluster: 'us-west-2' }).then(() => {}),
        change: async () => {
          sandbox.sim.clock.advance(2 * MIN);
        },
        changed: 'firing for 2 min',
        // Pinned back to the control plane's build, as an operator would.
        clear: async () => {
          sandbox.sim.kube.control.setImage(
            'us-west-2',
            'coder',
            'coder',
            `${coder.ref}@${coder.digest}`,
            coder.digest,
          );
          await sandbox.sim.kube.control.settled('us-west-2');
        },
      },
    );
    expect(m.text).toContain('another Coder build');
  });

  it('crash-loops: a deployment whose containers keep exiting', async () => {
    const loop = (on: boolean) =>
      control(sandbox, 'pods/crashloop', { cluster: 'us-east-2', namespace: 'litellm', name: 'litellm', on });
    const m = await lifecycle(
      { title: 'Crash loops and OOM kills', subject: 'us-east-2', checks: ['crash-loops'] },
      {
        inject: () => loop(true).then(() => {}),
        change: async () => {
          sandbox.sim.clock.advance(2 * MIN);
        },
        changed: 'firing for 2 min',
        clear: async () => {
          await loop(false);
          await sandbox.sim.kube.control.settled('us-east-2');
        },
      },
    );
    expect(m.text).toContain('crash-looping');
  });

  it('key-rotation: no rotation for longer than the interval (a stuck rotator)', async () => {
    const m = await lifecycle(
      { title: 'LiteLLM key rotation', subject: 'key-rotator', checks: ['key-rotation'] },
      {
        // The interval is 4–5 h and the last rotation 2 h ago: 4 h later it is overdue by more than 30 min.
        inject: async () => {
          sandbox.sim.clock.advance(4 * 60 * MIN);
        },
        change: async () => {
          sandbox.sim.clock.advance(10 * MIN);
        },
        changed: 'firing for 10 min',
        // The rotator rotates again: nothing overdue any more.
        clear: () => control(sandbox, 'rotation/rotate').then(() => {}),
      },
    );
    expect(m.text).toContain('is the rotator working?');
    expect(m.text).toContain('WARNING');
  });

  it('image-mirror: a new upstream build the ECR mirror lacks; its Sync button plans the copy that clears it', async () => {
    const alert = { title: 'Image mirror (GHCR = ECR = clusters)', subject: 'coder' };
    const m = await lifecycle(
      { ...alert, checks: ['image-mirror'] },
      {
        inject: () => control(sandbox, 'images/push', { image: 'coder' }).then(() => {}),
        change: async () => {
          sandbox.sim.clock.advance(2 * MIN);
        },
        changed: 'firing for 2 min',
        // The alert's own fix: the ordinary sync plan in its thread, approved by a second operator. The pods
        // then lag ECR until they restart, which only warns: the alert resolves.
        clear: async () => {
          const [message] = posts(alert);
          const fix = buttonsOf(message!).find((b) => b.action_id === 'diagnose.fix');
          expect(fix?.value).toBeDefined();
          const seen = sandbox.slack.messages().length;
          await sandbox.slack.press('operator', message!, 'diagnose.fix', fix!.value!);
          const plan = await sandbox.slack.waitFor(
            (x) => x.seq > seen && buttonsOf(x).some((b) => b.action_id === 'plan.approve'),
          );
          expect(plan.thread_ts).toBe(message!.ts);
          await sandbox.slack.press('operator2', plan, 'plan.approve');
          await sandbox.slack.settle();
        },
      },
    );
    expect(m.text).toContain('`coder`: mirror stale');
    expect(m.text).toContain('not the source’s build');
    expect(JSON.stringify(m.blocks)).toContain('Sync coder to ECR');
  });

  it('credentials-expiry: a provider key inside the week of notice, warned while there is time', async () => {
    const DAY = 24 * 60 * MIN;
    const m = await lifecycle(
      { title: 'Credential expiry', subject: 'anthropic', checks: ['credentials-expiry'] },
      {
        inject: () => control(sandbox, 'credentials/expire', { id: 'anthropic', in: '4d' }).then(() => {}),
        change: async () => {
          sandbox.sim.clock.advance(DAY);
        },
        changed: 'expires in 3 days',
        // Rotated at the provider and the Secret's annotation updated, as its runbook says.
        clear: () => control(sandbox, 'credentials/expire', { id: 'anthropic', in: '90d' }).then(() => {}),
      },
    );
    expect(m.text).toContain('expires in 4 days (under 7 days)');
    expect(m.text).toContain('WARNING');
  });

  it('tls-expiry: a probed domain whose certificate runs out within the week', async () => {
    const DAY = 24 * 60 * MIN;
    const host = 'oregon-proxy.ai.coder.com';
    const m = await lifecycle(
      { title: 'TLS certificates', subject: host, checks: ['tls-expiry'] },
      {
        inject: () =>
          control(sandbox, 'tls/certificate', { probe: 'oregon-proxy', expiresIn: '5d' }).then(() => {}),
        change: async () => {
          sandbox.sim.clock.advance(DAY);
        },
        changed: 'expires in 4 days',
        // Re-issued: 60 days left.
        clear: () => control(sandbox, 'tls/certificate', { probe: 'oregon-proxy' }).then(() => {}),
      },
    );
    expect(m.text).toContain('certificate expires in 5 days (under 7 days)');
  });
});
