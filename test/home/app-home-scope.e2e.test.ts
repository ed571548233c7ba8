import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { buttonsOf, planFor } from '../scale/e2e-kit.js';
import { openHome } from '../support/open-home.js';
import { writeSplitInventory } from '../support/split-inventory.js';
import { startE2E } from '../support/start-e2e.js';

// The viewer holds a role in ai.coder.com only; operators in both; the outsider in none.
let sandbox: Sandbox;
let inventory: Awaited<ReturnType<typeof writeSplitInventory>>;
let demoChannel: string;

beforeAll(async () => {
  inventory = await writeSplitInventory();
  sandbox = (await startE2E({ inventoryDir: inventory.dir })).sandbox;
  demoChannel = sandbox.bot!.deps.environments.get('coderdemo.io')!.slack.opsChannels[0]!;
  // One plan awaiting approval in each environment.
  const seen = sandbox.slack.messages().length;
  const ack = await sandbox.slack.command('operator', '/ops notice Demo freeze until Friday', {
    channel: demoChannel,
  });
  expect(ack.text).toContain('Planning');
  await sandbox.slack.waitFor(
    (m) =>
      m.seq > seen && m.channel === demoChannel && buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
  );
  await planFor(sandbox, 'operator', '/scale coder 3');
});
afterAll(async () => {
  await sandbox?.close();
  await inventory?.remove();
});

describe('App Home shows each environment only to those with a role in it', () => {
  it('a user with a role in both environments sees both plans (the baseline)', async () => {
    const shown = await openHome(sandbox, 'operator');
    expect(shown).toContain('coderdemo.io');
    expect(shown).toContain('Demo freeze until Friday');
    expect(shown).toContain('scale `coder` to 3 · by <@');
  });

  it('a viewer of ai.coder.com only sees ai.coder.com and nothing of coderdemo.io', async () => {
    const shown = await openHome(sandbox, 'viewer');
    expect(shown).toContain('ai.coder.com');
    expect(shown).toContain('scale `coder` to 3 · by <@');
    expect(shown).not.toContain('coderdemo.io');
    expect(shown).not.toContain('Demo freeze');
  });

  it('an outsider sees only that they have no role, and how to get one', async () => {
    const shown = await openHome(sandbox, 'outsider');
    expect(shown).toContain('You have no opsbot role in any environment');
    expect(shown).toContain('ask an opsbot admin to add you');
    expect(shown).not.toContain('ai.coder.com');
    expect(shown).not.toContain('coderdemo.io');
    expect(shown).not.toContain('Plans awaiting approval');
    expect(shown).not.toContain('scale `coder`');
  });
});
