import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';

let e2e: Awaited<ReturnType<typeof startE2E>>;
let sandbox: Sandbox;

beforeAll(async () => {
  e2e = await startE2E();
  sandbox = e2e.sandbox;
});
afterAll(async () => {
  await sandbox.close();
});

const ephemeralTo = (role: string) => (m: { via: string; user?: string }) =>
  m.via === 'chat.postEphemeral' && m.user === sandbox.state.slack.users[role];

describe('/ops over signed HTTP, end to end', () => {
  it('/ops status: acks at once naming the job, then shows live state against the inventory', async () => {
    const ack = await sandbox.slack.command('viewer', '/ops status');
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000); // Slack's own limit for an ack
    const jobId = /as job `([^`]+)`/.exec(ack.text)?.[1];
    expect(jobId).toMatch(/^cmd-/);
    const status = await sandbox.slack.waitFor(
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Status of ai.coder.com'),
    );
    expect(status.channel).toBe(sandbox.state.slack.channelId);
    expect(status.text).toContain('everything matches the inventory');
    expect(status.text).toContain('`provisioners` (coder/coder-provisioner-default): 6/6 ready');
    expect(status.text).toContain('`proxy:eu-west-2` (coder/coder): 2/2 ready');
    expect(status.text).toContain('Key rotation* :arrows_counterclockwise: running (1/1 ready)');
    expect(status.text).toContain('`*.emea-proxy.ai.coder.com` CNAME → ai-coder-london');
  });

  it('/ops status marks drift made behind its back (kubectl scale, a DNS edit in the dashboard)', async () => {
    sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm-key-rotator', 0);
    sandbox.sim.cloudflare.control.setRecord('ai.coder.com', 'oregon-proxy.ai.coder.com', 'CNAME', {
      content: 'elsewhere.example.net',
    });
    await sandbox.slack.command('operator', '/ops status');
    const status = await sandbox.slack.waitFor(
      (m) => ephemeralTo('operator')(m) && m.text.startsWith('Status of') && m.text.includes('paused'),
    );
    expect(status.text).toContain('1 deployment(s) and 1 DNS record(s) differ from the inventory');
    // One icon per line: off the inventory is a warning, not green with a warning beside it.
    expect(status.text).toContain(
      ':warning: `key-rotator` (litellm/litellm-key-rotator): 0/0 ready — inventory default 1',
    );
    expect(status.text).toContain('`oregon-proxy.ai.coder.com` CNAME → elsewhere.example.net — drift');
    sandbox.sim.kube.control.setReplicas('us-east-2', 'litellm', 'litellm-key-rotator', 1);
    sandbox.sim.cloudflare.control.reset();
  });

  it('/ops status names a failing cluster or Cloudflare in a few words, keeping the raw error for the logs', async () => {
    sandbox.sim.faults.fail('kube:us-west-2', { status: 503, count: 1000 });
    sandbox.sim.faults.setUnreachable('cloudflare', true);
    try {
      await sandbox.slack.command('viewer', '/ops status');
      const status = await sandbox.slack.waitFor(
        (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Status of') && m.text.includes('us-west-2:'),
      );
      expect(status.text).toContain(
        'Status of ai.coder.com: us-west-2: API error 503 — temporary, try again shortly; Cloudflare: unreachable (no connection)',
      );
      // Said once for the cluster, not again on each of its deployments.
      expect(status.text).toContain(':white_circle: `proxy:us-west-2` (coder/coder): not read');
      expect(status.text.match(/API error 503/g)).toHaveLength(1);
      expect(status.text).toContain(':red_circle: Cloudflare: unreachable (no connection)');
      // The raw messages (long, naming internal endpoints) stay out of Slack …
      expect(status.text).not.toContain('answered 503');
      expect(status.text).not.toContain('Cloudflare unreachable while');
      expect(status.text).not.toContain('127.0.0.1');
      // … and in the logs, for whoever investigates.
      expect(e2e.logs.join('\n')).toContain(
        'Cluster us-west-2 answered 503 while reading deployment coder/coder',
      );
    } finally {
      sandbox.sim.faults.reset();
    }
  });

  it('/ops help lists only what the caller may run', async () => {
    const viewer = await sandbox.slack.command('viewer', '/ops help');
    expect(viewer.text).toContain('Your role: *viewer*');
    expect(viewer.text).toContain('/ops status');
    expect(viewer.text).not.toContain('/ops notice');
    const operator = await sandbox.slack.command('operator', '/ops help');
    // Slack's rule: `<` and `>` go out escaped, or Slack would read `<text>` as a link.
    expect(operator.text).toContain('/ops notice &lt;text&gt; | clear');
    const dnsHelp = await sandbox.slack.command('operator', '/dns help');
    expect(dnsHelp.text).toContain('*/dns*');
    expect(dnsHelp.text).not.toContain('*/ops*');
  });

  it('/ops jobs and /ops job <id> show what ran, and /ops audit the trail', async () => {
    const ack = await sandbox.slack.command('operator', '/ops status');
    const jobId = /as job `([^`]+)`/.exec(ack.text)![1]!;
    await sandbox.slack.settle();
    await sandbox.slack.command('operator', '/ops jobs');
    const jobs = await sandbox.slack.waitFor(
      (m) => ephemeralTo('operator')(m) && m.text.startsWith('Jobs ('),
    );
    // What the job did, not the queue's id: the command as typed, and how it ended.
    expect(jobs.text).toMatch(/:white_check_mark: `\/ops status` — done <!date\^\d+\^[^>]*> · <@U/);
    expect(jobs.text).not.toContain(jobId);
    await sandbox.slack.command('operator', `/ops job ${jobId}`);
    const one = await sandbox.slack.waitFor(
      (m) => ephemeralTo('operator')(m) && m.text.includes(jobId) && m.text.includes('finished'),
    );
    expect(one.text).toContain(`by <@${sandbox.state.slack.users.operator}>`);
    await sandbox.slack.command('operator', '/ops job cmd-nonexistent');
    await sandbox.slack.waitFor(
      (m) => ephemeralTo('operator')(m) && m.text.startsWith('No job `cmd-nonexistent`'),
    );
    await sandbox.slack.command('viewer', '/ops audit 50');
    const audit = await sandbox.slack.waitFor(
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Audit log'),
    );
    expect(audit.text).toContain(`requested: ops.status by <@${sandbox.state.slack.users.operator}>`);
    expect(audit.text).toContain(`(job ${jobId})`);
  });

  it('exposes Prometheus metrics for commands, acks, refusals and jobs', async () => {
    await sandbox.slack.command('outsider', '/ops status');
    await sandbox.slack.settle();
    const base = sandbox.state.slack.eventsUrl.replace('/slack/events', '');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/opsbot_commands_received_total\{command="\/ops"\} [1-9]/);
    expect(metrics).toMatch(/opsbot_commands_denied_total\{reason="role"\} [1-9]/);
    expect(metrics).toMatch(/opsbot_ack_latency_seconds_count [1-9]/);
    expect(metrics).toMatch(/opsbot_jobs_total\{name="ops.status",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/opsbot_queue_depth\{state="completed"\} [1-9]/);
  });

  it('registers the inventory schedules, and the weekday digest posts status to the ops channel', async () => {
    const queue = new Queue('ops', {
      connection: sandbox.bot!.deps.redis,
      prefix: sandbox.botEnv.REDIS_PREFIX,
    });
    const schedulers = await queue.getJobSchedulers();
    await queue.close();
    const alerts = schedulers.filter((s) => s.name === 'alerts.evaluate');
    // Test sandboxes run no alert schedule (test/alerts/alerts.e2e.test.ts asks for one and checks it).
    expect(alerts).toEqual([]);
    // The plan engine's own sweep, every minute, and the inventory's digest.
    expect(schedulers.find((s) => s.key === 'plan-sweep')?.every).toBe(60_000);
    expect(
      schedulers
        .filter((s) => !alerts.includes(s) && s.key !== 'plan-sweep')
        .map((s) => [s.key, s.pattern, s.tz]),
    ).toEqual([['ai.coder.com-morning-digest', '0 8 * * 1-5', 'America/Chicago']]);
    await sandbox.bot!.deps.queue.enqueue(
      'ops.digest',
      {
        meta: { requester: 'opsbot', channel: sandbox.state.slack.channelId, environment: 'ai.coder.com' },
        environment: 'ai.coder.com',
      },
      { jobId: 'digest-test' },
    );
    const digest = await sandbox.slack.waitFor(
      (m) => m.via === 'chat.postMessage' && m.text.startsWith('Scheduled digest'),
    );
    expect(digest.channel).toBe(sandbox.state.slack.channelId);
    expect(digest.text).toContain('Status of ai.coder.com');
  });

  it('leaks no secret into logs or Slack messages', async () => {
    await sandbox.slack.settle();
    expect(e2e.logs.length).toBeGreaterThan(0);
    expect(e2e.leakedSecrets()).toEqual([]);
  });
});
