import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { openHome } from '../support/open-home.js';
import { writeSplitInventory } from '../support/split-inventory.js';
import { startE2E } from '../support/start-e2e.js';
import { ackShot, auditLines, expectGolden, hasButton, mark, messageShot, next } from './golden-kit.js';

// Acks, refusals and the read commands: one sandbox, each step waiting for the answer it expects. The viewer
// holds a role in ai.coder.com only (the split inventory), so a read of coderdemo.io is refused.
let sandbox: Sandbox;
let inventory: Awaited<ReturnType<typeof writeSplitInventory>>;

beforeAll(async () => {
  inventory = await writeSplitInventory();
  sandbox = (await startE2E({ inventoryDir: inventory.dir, logLevel: 'warn' })).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
  await inventory?.remove();
});

const ack = async (role: string, line: string, channel?: string) =>
  ackShot(sandbox, role, await sandbox.slack.command(role, line, channel ? { channel } : {}));

const ephemeralTo = (role: string) => (m: RecordedMessage) =>
  m.via === 'chat.postEphemeral' && m.user === sandbox.slack.user(role);

/** Runs a read command as `role` and returns the ephemeral answer that `pred` recognises. */
async function read(role: string, line: string, pred: (m: RecordedMessage) => boolean) {
  const after = mark(sandbox);
  const answer = await sandbox.slack.command(role, line);
  if (!answer.text.includes('Queued')) throw new Error(`not queued: ${answer.text}`);
  return next(sandbox, after, (m) => ephemeralTo(role)(m) && pred(m));
}

describe('acks and refusals', () => {
  it('help, generated from the registry for the caller’s role', async () => {
    await expectGolden('help-ops-viewer', await ack('viewer', '/ops help'));
    await expectGolden('help-dns-operator', await ack('operator', '/dns help'));
  });

  it('malformed commands name the right syntax', async () => {
    await expectGolden('usage-error', await ack('operator', '/ops audit 500'));
    await expectGolden('usage-unknown-subcommand', await ack('viewer', '/ops reboot'));
  });

  it('every refusal says why and that nothing was done', async () => {
    await expectGolden('refusal-role-too-low', await ack('viewer', '/scale provisioners 8'));
    await expectGolden('refusal-no-role', await ack('outsider', '/ops status'));
    await expectGolden(
      'refusal-wrong-channel',
      await ack('operator', '/ops status', sandbox.state.slack.otherChannelId),
    );
    await expectGolden('refusal-unknown-environment', await ack('viewer', '/ops status --env nowhere'));
    await expectGolden('refusal-force-without-admin', await ack('operator', '/dns sync --force'));
    await expectGolden('refusal-unknown-target', await ack('operator', '/scale provisionrs 8'));
    await expectGolden('refusal-out-of-bounds', await ack('operator', '/scale provisioners 99'));
    await expectGolden(
      'refusal-rotator-is-not-a-scale-target',
      await ack('operator', '/scale key-rotator 0'),
    );
    await expectGolden('refusal-pause-too-long', await ack('operator', '/rotation pause --for 13h'));
  });

  it('the audit channel mirrors refusals, one line each', async () => {
    await sandbox.slack.settle();
    const line = auditLines(sandbox).find((l) => l.includes('role viewer &lt; operator'));
    await expectGolden('audit-mirror-refusal', {
      via: 'chat.postMessage',
      where: '#ops-audit (one line; lines are batched when a backlog builds)',
      text: line ?? '(no line)',
    });
  });
});

describe('reads', () => {
  let statusJob = '';

  it('a queued read acks with its job, then answers the caller only', async () => {
    const after = mark(sandbox);
    const queued = await sandbox.slack.command('viewer', '/ops status');
    statusJob = /as job `([^`]+)`/.exec(queued.text)?.[1] ?? '';
    await expectGolden('ack-queued', ackShot(sandbox, 'viewer', queued));
    const status = await next(
      sandbox,
      after,
      (m) => ephemeralTo('viewer')(m) && m.text.startsWith('Status of'),
    );
    await expectGolden('ops-status', messageShot(sandbox, status));
    await sandbox.slack.settle();
  });

  it('/ops jobs, /ops job and /ops audit', async () => {
    const jobs = await read('viewer', '/ops jobs', (m) => m.text.startsWith('Jobs ('));
    await expectGolden('ops-jobs', messageShot(sandbox, jobs));
    await sandbox.slack.settle();
    const job = await read('viewer', `/ops job ${statusJob}`, (m) => m.text.includes(statusJob));
    await expectGolden('ops-job', messageShot(sandbox, job));
    await sandbox.slack.settle();
    const missing = await read('viewer', '/ops job cmd-nonexistent', (m) => m.text.startsWith('No job'));
    await expectGolden('ops-job-missing', messageShot(sandbox, missing));
    await sandbox.slack.settle();
    const audit = await read('viewer', '/ops audit 6', (m) => m.text.startsWith('Audit log'));
    await expectGolden('ops-audit', messageShot(sandbox, audit));
    await sandbox.slack.settle();
    // Filtered: the refusals of one person (given as Slack escapes a mention).
    const operator = sandbox.slack.user('operator');
    const denied = await read('viewer', `/ops audit 3 --denied --user <@${operator}|operator>`, (m) =>
      m.text.startsWith('Audit log'),
    );
    await expectGolden('ops-audit-denied', messageShot(sandbox, denied));
    await sandbox.slack.settle();
  });

  it('/dns list and /dns verify', async () => {
    sandbox.sim.cloudflare.control.setRecord('ai.coder.com', 'oregon-proxy.ai.coder.com', 'CNAME', {
      content: 'elsewhere.example.net',
    });
    const list = await read('viewer', '/dns list', (m) => m.text.startsWith('DNS '));
    await expectGolden('dns-list', messageShot(sandbox, list));
    const verify = await read('viewer', '/dns verify emea-proxy.ai.coder.com', (m) =>
      m.text.includes('*Verify'),
    );
    await expectGolden('dns-verify', messageShot(sandbox, verify));
    sandbox.sim.cloudflare.control.reset();
  });

  it('/scale recommend, /rotation status, /images status, /ops alerts', async () => {
    const recommend = await read('viewer', '/scale recommend 25', (m) => m.text.startsWith('*Capacity for'));
    await expectGolden('scale-recommend', messageShot(sandbox, recommend));
    // More users than the table covers: what it would take, not the last tier's count.
    const beyond = await read('viewer', '/scale recommend 200', (m) => m.text.startsWith('*Capacity for'));
    await expectGolden('scale-recommend-beyond-table', messageShot(sandbox, beyond));
    const rotation = await read('viewer', '/rotation status', (m) => m.text.startsWith('*Key rotation in'));
    await expectGolden('rotation-status-running', messageShot(sandbox, rotation));
    const images = await read('viewer', '/images status', (m) => m.text.startsWith('*Images in'));
    await expectGolden('images-status', messageShot(sandbox, images));
    const alerts = await read('viewer', '/ops alerts', (m) => m.text.startsWith('Alerts of'));
    await expectGolden('ops-alerts-none', messageShot(sandbox, alerts));
  });

  it('a read of an environment where the caller holds no role is refused', async () => {
    const refused = await read('viewer', '/ops status --env coderdemo.io', (m) =>
      m.text.startsWith(':no_entry:'),
    );
    await expectGolden('refusal-read-other-environment', messageShot(sandbox, refused));
  });

  it('a Slack retry of the same command is acked as already queued', async () => {
    const fields = sandbox.sim.slack.newSlashCommand({
      command: '/rotation',
      text: 'status',
      userId: sandbox.slack.user('viewer'),
      channelId: sandbox.state.slack.channelId,
    });
    await sandbox.slack.command('viewer', '/rotation status', { fields });
    const retry = await sandbox.slack.command('viewer', '/rotation status', { fields, retryNum: 1 });
    await expectGolden('ack-duplicate', ackShot(sandbox, 'viewer', retry));
    await sandbox.slack.settle();
  });

  it('App Home of someone without a role', async () => {
    await openHome(sandbox, 'outsider');
    const home = sandbox.slack.messages().findLast((m) => m.via === 'views.publish')!;
    await expectGolden('app-home-outsider', messageShot(sandbox, home));
  });
});

describe('images out of sync', () => {
  it('/images status and /ops status name a missing workspace image and a stale cache; sync of a cache is answered', async () => {
    const stores = sandbox.sim.stores;
    try {
      const coder = sandbox.sim.images.coder!;
      const envbuilder = sandbox.sim.images.envbuilder!;
      stores.ghcr.pushUpstream(coder.sourceRepo, coder.tag);
      stores.ghcr.pushUpstream(envbuilder.sourceRepo, envbuilder.tag);
      stores.ecr.untag(
        sandbox.sim.images['workspace-base']!.mirrorRepo!,
        sandbox.sim.images['workspace-base']!.tag,
      );
      const images = await read('viewer', '/images status', (m) => m.text.startsWith('*Images in'));
      await expectGolden('images-status-workspace-drift', messageShot(sandbox, images));
      const status = await read('viewer', '/ops status', (m) => m.text.startsWith('Status of'));
      await expectGolden('ops-status-images-drift', messageShot(sandbox, status));

      let after = mark(sandbox);
      await sandbox.slack.command('operator', '/images sync envbuilder');
      const refused = await next(
        sandbox,
        after,
        (m) => ephemeralTo('operator')(m) && m.text.includes('pull-through cache'),
      );
      await expectGolden('refusal-images-sync-pull-through', messageShot(sandbox, refused));
      after = mark(sandbox);
      await sandbox.slack.command('operator', '/images sync envbuilder --force');
      const forced = await next(sandbox, after, (m) => hasButton(m, 'plan.approve'));
      await expectGolden('plan-images-sync-force-pending', messageShot(sandbox, forced));
      await sandbox.slack.press('operator', forced, 'plan.cancel');
      await sandbox.slack.settle();

      sandbox.sim.faults.fail('ecr', { status: 503, count: 1000 });
      const unread = await read('viewer', '/ops status', (m) => m.text.startsWith('Status of'));
      await expectGolden('ops-status-images-unreadable', messageShot(sandbox, unread));
    } finally {
      sandbox.sim.faults.reset();
      sandbox.sim.resetRegistries();
    }
  });
});

describe('scheduled posts', () => {
  it('the weekday digest posts the status to the ops channel', async () => {
    const after = mark(sandbox);
    await sandbox.bot!.deps.queue.enqueue(
      'ops.digest',
      {
        meta: { requester: 'opsbot', channel: sandbox.state.slack.channelId, environment: 'ai.coder.com' },
        environment: 'ai.coder.com',
      },
      { jobId: 'digest-golden' },
    );
    const digest = await next(sandbox, after, (m) => m.text.startsWith('Scheduled digest'));
    await expectGolden('ops-digest', messageShot(sandbox, digest));
  });
});

describe('the pending-plan cap', () => {
  it('refuses the plan past the cap, to the requester only', async () => {
    for (let i = 1; i <= 10; i++) {
      const after = mark(sandbox);
      await sandbox.slack.command('operator', `/ops notice "freeze ${i}"`);
      await next(sandbox, after, (m) => hasButton(m, 'plan.approve'));
    }
    const after = mark(sandbox);
    const planning = await ack('operator', '/ops notice "one too many"');
    await expectGolden('ack-planning', planning);
    const refused = await next(sandbox, after, ephemeralTo('operator'));
    await expectGolden('refusal-pending-plan-cap', messageShot(sandbox, refused));
  });
});

describe('Slack unavailable for the role lookup', () => {
  it('refuses plainly: nothing was done, try again shortly', async () => {
    await sandbox.slack.settle();
    // Past the role cache's five minutes, so the lookup asks Slack, which fails.
    sandbox.sim.clock.advance(6 * 60_000);
    sandbox.sim.faults.fail('slack', { status: 500, count: 20 });
    try {
      await expectGolden('refusal-role-lookup-failed', await ack('viewer', '/ops status'));
    } finally {
      sandbox.sim.faults.reset();
    }
  });
});
