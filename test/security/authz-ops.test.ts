import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { writeSplitInventory } from '../support/split-inventory.js';
import { startE2E } from '../support/start-e2e.js';

// The viewer holds a role in ai.coder.com only; operators hold one in both environments.
let sandbox: Sandbox;
let inventory: Awaited<ReturnType<typeof writeSplitInventory>>;
let demoChannel: string;
let demoJob: string;

beforeAll(async () => {
  inventory = await writeSplitInventory();
  sandbox = (await startE2E({ inventoryDir: inventory.dir })).sandbox;
  demoChannel = sandbox.bot!.deps.environments.get('coderdemo.io')!.slack.opsChannels[0]!;
  // Something that happened in coderdemo.io only: an operator's /ops jobs there.
  const ack = await sandbox.slack.command('operator', '/ops jobs', { channel: demoChannel });
  demoJob = /as job `([^`]+)`/.exec(ack.text)![1]!;
  await sandbox.slack.settle();
});
afterAll(async () => {
  await sandbox?.close();
  await inventory?.remove();
});

/** Runs `line` as `role` and resolves with the bot's next private answer to them that passes `match`. */
async function ask(
  role: string,
  line: string,
  match: (text: string) => boolean,
  channel?: string,
): Promise<RecordedMessage> {
  const seen = sandbox.slack.messages().length;
  const user = sandbox.slack.user(role);
  await sandbox.slack.command(role, line, channel ? { channel } : {});
  return sandbox.slack.waitFor(
    (m) => m.seq > seen && m.via === 'chat.postEphemeral' && m.user === user && match(m.text),
  );
}

describe('reads are scoped to the environments where the caller holds a role', () => {
  it('/ops status --env of an environment the caller has no role in is refused, and audited', async () => {
    const answer = await ask('viewer', '/ops status --env coderdemo.io', (t) => /Status of|no_entry/.test(t));
    expect(answer.text).toContain('you have no opsbot role in coderdemo.io');
    expect(answer.text).not.toContain('Status of coderdemo.io');
    // An operator, who holds a role there, reads it and finds the refusal in coderdemo.io's trail.
    const status = await ask('operator', '/ops status --env coderdemo.io', (t) => t.includes('Status of'));
    expect(status.text).toMatch(/^Status of coderdemo\.io/);
    const audit = await ask('operator', '/ops audit 50', (t) => t.startsWith('Audit log'));
    expect(audit.text).toContain(
      `denied: ops.status by <@${sandbox.slack.user('viewer')}> in <#${sandbox.state.slack.channelId}>: no role in coderdemo.io`,
    );
  });

  it('/ops jobs lists only jobs of the caller’s environments', async () => {
    const mine = await ask('viewer', '/ops jobs', (t) => t.startsWith('Jobs ('));
    expect(mine.text).toContain('`/ops jobs` — running'); // the viewer's own job is listed …
    expect(mine.text).not.toContain('`/ops jobs` — done'); // … coderdemo.io's is not
    expect(mine.text).not.toMatch(/ · coderdemo\.io$/m); // and one environment needs no tag
    // Someone with roles in both is told which environment each job is of.
    const operator = await ask('operator', '/ops jobs', (t) => t.startsWith('Jobs ('));
    expect(operator.text).toMatch(/`\/ops jobs` — done [^\n]* · coderdemo\.io/);
    expect(operator.text).toMatch(/`\/ops jobs` — running [^\n]* · ai\.coder\.com/);
  });

  it('/ops audit shows only entries of the caller’s environments', async () => {
    const viewer = await ask('viewer', '/ops audit 50', (t) => t.startsWith('Audit log'));
    expect(viewer.text).not.toContain(`<#${demoChannel}>`);
    expect(viewer.text).not.toContain(demoJob);
    expect(viewer.text).toContain(`requested: ops.jobs by <@${sandbox.slack.user('viewer')}>`);
    expect(viewer.text).toContain('Audit log of ai.coder.com:');
    const operator = await ask('operator', '/ops audit 50', (t) => t.startsWith('Audit log'));
    expect(operator.text).toContain(`in <#${demoChannel}>: jobs (job ${demoJob})`);
  });

  it('/ops job <id> of another environment is "not found", word for word as a job that never existed', async () => {
    const other = await ask('viewer', `/ops job ${demoJob}`, (t) => t.includes(demoJob));
    const never = await ask('viewer', '/ops job cmd-neverexisted', (t) => t.includes('cmd-neverexisted'));
    expect(other.text).toBe(never.text.replace('cmd-neverexisted', demoJob));
    const operator = await ask('operator', `/ops job ${demoJob}`, (t) => t.includes(demoJob));
    expect(operator.text).toContain(`\`${demoJob}\` ops.jobs — completed`);
    const audit = await ask('operator', '/ops audit 50', (t) => t.startsWith('Audit log'));
    expect(audit.text).toContain(`denied: ops.job by <@${sandbox.slack.user('viewer')}>`);
  });
});
