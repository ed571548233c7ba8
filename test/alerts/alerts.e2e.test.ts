import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsbotJobs } from '../../src/app/create-job-registry.js';
import { inventorySchedules } from '../../src/app/inventory-schedules.js';
import { type Opsbot, startOpsbot } from '../../src/app/start-opsbot.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { EvaluationSummary } from '../../src/jobs/alerts/evaluate-alerts.js';
import { evaluateAlerts } from '../../src/jobs/alerts/evaluate-alerts.js';
import type { JobDeps } from '../../src/jobs/job-deps.js';
import { syncJobSchedulers } from '../../src/queue/sync-job-schedulers.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;
let node: string;

beforeAll(async () => {
  // With the inventory's interval, so the registration is checked as production would make it.
  sandbox = (await startE2E({ alertEverySeconds: 60 })).sandbox;
  await control(sandbox, 'reset');
  // The scheduler role registered the inventory's alert schedule; the test drives the runs itself instead.
  const queue = new Queue('ops', { connection: deps().redis, prefix: deps().prefix });
  try {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.find((s) => s.key === 'ai.coder.com-alerts')).toMatchObject({
      name: 'alerts.evaluate',
      every: 60_000,
    });
    await queue.removeJobScheduler('ai.coder.com-alerts');
  } finally {
    await queue.close();
  }
  // A first run the scheduler already queued finishes before the fault is injected.
  await sandbox.slack.settle();
  node = sandbox.sim.kube.control.snapshot('us-east-2').nodes.find((n) => n.pool === 'workspaces')!.name;
});
afterAll(async () => {
  await sandbox?.close();
});

const deps = () => sandbox.bot!.deps;
const env = () => deps().environments.get('ai.coder.com')!;

/** One evaluation run, as the scheduled job does it (waiting out a scheduled run that holds the lock). */
async function evaluate(): Promise<EvaluationSummary> {
  for (;;) {
    const s = await evaluateAlerts(deps(), env());
    if (!s.skipped) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const isStorageAlert = (m: RecordedMessage) =>
  m.text.includes('Node ephemeral storage') && m.text.includes(node) && !m.thread_ts;
const posts = () => sandbox.slack.messages().filter((m) => m.via === 'chat.postMessage' && isStorageAlert(m));
const edits = (ts: string) => sandbox.slack.messages().filter((m) => m.via === 'chat.update' && m.ts === ts);
const thread = (ts: string) => sandbox.slack.messages().filter((m) => m.thread_ts === ts);

describe('scheduled alerts', () => {
  it('a full node: one message, edited while it lasts, acknowledged, escalation, resolved in its thread', async () => {
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node, percent: 88 });
    // fireAfter 2: nothing after the first run, one message after the second, none more after that.
    await evaluate();
    expect(posts()).toHaveLength(0);
    await evaluate();
    expect(posts()).toHaveLength(1);
    const alert = posts()[0]!;
    expect(alert.text).toContain('CRITICAL');
    expect(alert.text).toContain('88 % used');
    expect(JSON.stringify(alert.blocks)).toContain('alert.ack');

    // The value changes: the message is edited, not reposted.
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node, percent: 89 });
    await evaluate();
    await evaluate();
    expect(posts()).toHaveLength(1);
    expect(edits(alert.ts).at(-1)?.text).toContain('89 % used');
    // Nothing changed: no edit either.
    const editCount = edits(alert.ts).length;
    await evaluate();
    expect(edits(alert.ts)).toHaveLength(editCount);

    // Unacknowledged past the delay: the on-call group is mentioned once, in the thread.
    await control(sandbox, 'clock/advance', { ms: 31 * 60_000 });
    await evaluate();
    await evaluate();
    const mentions = thread(alert.ts).filter(
      (m) => m.text.includes('<@U0SBOPER01>') && m.text.includes('without an acknowledgement'),
    );
    expect(mentions).toHaveLength(1);

    // Acknowledge and snooze: the message says so, the thread says who, the audit log has both.
    expect((await sandbox.slack.press('operator', alert, 'alert.ack')).status).toBe(200);
    await sandbox.slack.waitFor((m) => m.thread_ts === alert.ts && m.text.includes('Acknowledged by'));
    expect((await sandbox.slack.press('operator', alert, 'alert.snooze1h')).status).toBe(200);
    await sandbox.slack.waitFor((m) => m.thread_ts === alert.ts && m.text.includes('Snoozed by'));
    await sandbox.slack.settle();
    expect(edits(alert.ts).at(-1)?.text).toMatch(/acknowledged by <@U0SBOPER01>.*snoozed until/);
    const audit = await deps().audit.latestMatching(50, (e) => e.action.startsWith('alert.'));
    expect(audit.map((e) => `${e.action} ${e.outcome} ${e.actor}`)).toEqual(
      expect.arrayContaining([
        'alert.ack applied U0SBOPER01',
        'alert.snooze1h applied U0SBOPER01',
        'alert.fire applied opsbot',
        'alert.escalate applied opsbot',
      ]),
    );

    // /ops alerts lists it as snoozed (the snooze outranks the acknowledgement).
    await sandbox.slack.command('viewer', '/ops alerts');
    const listed = await sandbox.slack.waitFor(
      (m) => m.via === 'chat.postEphemeral' && m.text.includes('Alerts of'),
    );
    expect(listed.text).toContain('Snoozed');
    expect(listed.text).toContain(node);

    // The fault goes away: resolved after two passing runs, in the thread; the original marked resolved.
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node, percent: 20 });
    await evaluate();
    expect(thread(alert.ts).filter((m) => m.text.includes('Resolved'))).toHaveLength(0);
    await evaluate();
    await evaluate();
    expect(thread(alert.ts).filter((m) => m.text.startsWith('✅ Resolved'))).toHaveLength(1);
    expect(edits(alert.ts).at(-1)?.text).toContain('RESOLVED');
    expect(posts()).toHaveLength(1);
  }, 45_000);

  it('a button on a resolved alert does nothing but say so', async () => {
    const alert = posts()[0]!;
    expect((await sandbox.slack.press('operator', alert, 'alert.ack')).status).toBe(200);
    const said = await sandbox.slack.waitFor(
      (m) => m.via === 'chat.postEphemeral' && m.text.includes('already resolved'),
    );
    expect(said.text).toContain('nothing was done');
  });

  it('two replicas: runs never interleave, and registering the schedules twice keeps one per environment', async () => {
    const [a, b] = await Promise.all([evaluateAlerts(deps(), env()), evaluateAlerts(deps(), env())]);
    expect([a.skipped, b.skipped].filter(Boolean)).toHaveLength(1);
    const { schedules } = inventorySchedules(deps().environments, createOpsbotJobs());
    await Promise.all([
      syncJobSchedulers(deps().redis, deps().prefix, schedules),
      syncJobSchedulers(deps().redis, deps().prefix, schedules),
    ]);
    const queue = new Queue('ops', { connection: deps().redis, prefix: deps().prefix });
    try {
      const alerts = (await queue.getJobSchedulers()).filter((s) => s.name === 'alerts.evaluate');
      expect(alerts.map((s) => s.key)).toEqual(['ai.coder.com-alerts']);
      await queue.removeJobScheduler('ai.coder.com-alerts');
    } finally {
      await queue.close();
    }
  });

  it('scheduled runs run each check once its own interval passed; restarted schedulers neither add schedules, reset that nor post again', async () => {
    // An active alert on another node.
    const other = sandbox.sim.kube.control.snapshot('us-east-2').nodes.find((n) => n.name !== node)!.name;
    const isOther = (m: RecordedMessage) =>
      !m.thread_ts &&
      m.via === 'chat.postMessage' &&
      m.text.includes('Node ephemeral storage') &&
      m.text.includes(other);
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node: other, percent: 87 });
    await evaluate();
    await evaluate();
    const active = sandbox.slack.messages().filter(isOther);
    expect(active).toHaveLength(1);

    // Each check's last run is in Redis: a tick right after a run runs nothing; a minute on, all but the
    // ones with a longer interval of their own (every five minutes, every hour).
    const MIN = 60_000;
    const scheduled = async (d: JobDeps = deps()) => {
      for (;;) {
        const s = await evaluateAlerts(d, env(), { scheduled: true });
        if (!s.skipped) return s.ran;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const every = env().alerts!.checks.map((c) => c.id);
    const slow = env()
      .alerts!.checks.filter((c) => (c.everySeconds ?? 60) > 60)
      .map((c) => c.id);
    expect(slow).toEqual(['image-mirror', 'key-rotation', 'credentials-expiry', 'tls-expiry']);
    const fast = every.filter((id) => !slow.includes(id));
    // Five minutes on: everything but the hourly expiry checks.
    const byFive = env()
      .alerts!.checks.filter((c) => (c.everySeconds ?? 60) <= 300)
      .map((c) => c.id);
    expect(await scheduled()).toEqual([]);
    sandbox.sim.clock.advance(MIN);
    expect(await scheduled()).toEqual(fast);

    // Two scheduler replicas start at once, then one restarts: still one schedule for the environment.
    const replicas: Opsbot[] = [];
    const startScheduler = async () => {
      const bot = await startOpsbot({
        config: loadConfig({ ...sandbox.botEnv, OPSBOT_ROLE: 'scheduler' }),
        environments: deps().environments,
        // No interval override: the inventory's own, as in production.
        clock: sandbox.sim.clock,
        logDestination: { write: () => {} },
      });
      replicas.push(bot);
      return bot;
    };
    const queue = new Queue('ops', { connection: deps().redis, prefix: deps().prefix });
    try {
      await Promise.all([startScheduler(), startScheduler()]);
      await replicas.shift()!.stop();
      const restarted = await startScheduler();
      const alerts = (await queue.getJobSchedulers()).filter((s) => s.name === 'alerts.evaluate');
      expect(alerts.map((s) => [s.key, s.every])).toEqual([['ai.coder.com-alerts', 60_000]]);
      await queue.removeJobScheduler('ai.coder.com-alerts');
      await sandbox.slack.settle();

      // The restarted process (its own pacer, its own connections) runs what is due, no more, and edits
      // the active alert's message rather than posting it again.
      sandbox.sim.clock.advance(MIN);
      expect(await scheduled(restarted.deps)).toEqual(fast);
      sandbox.sim.clock.advance(3 * MIN);
      expect(await scheduled(restarted.deps)).toEqual(byFive);
      await sandbox.slack.settle();
      expect(sandbox.slack.messages().filter(isOther)).toHaveLength(1);
      expect(edits(active[0]!.ts).at(-1)?.text).toContain('firing for 5 min');
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await queue.close();
    }
    await control(sandbox, 'nodes/fill', { cluster: 'us-east-2', node: other, percent: 20 });
    await evaluate();
    await evaluate();
    expect(thread(active[0]!.ts).filter((m) => m.text.startsWith('✅ Resolved'))).toHaveLength(1);
  }, 30_000);
});
