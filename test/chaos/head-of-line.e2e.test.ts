import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';
import { ephemeralsFor, planFor, until } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
const TARGETS = [
  'coder 3',
  'provisioners 8',
  'provisioners:experimental 3',
  'provisioners:demo 3',
  'litellm 7',
];

beforeAll(async () => {
  // Four interactive workers: before long work had its own lane, four stuck rollouts took all of them.
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `t-${randomUUID()}`,
    stateDir: null,
    rolloutStepMs: 30,
    logLevel: 'silent',
    worker: { concurrency: 4 },
  });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('long work never blocks the interactive lane', () => {
  it('answers /ops status and a Cancel while five rollouts hang for room', async () => {
    sandbox.sim.kube.control.exhaustCapacity('us-east-2', true);
    const plans: Awaited<ReturnType<typeof planFor>>[] = [];
    for (const t of TARGETS) plans.push(await planFor(sandbox, 'operator', `/scale ${t}`));
    const spare = await planFor(sandbox, 'operator', '/scale proxy:us-west-2 3');
    for (const p of plans) await sandbox.slack.press('operator2', p, 'plan.approve');
    const applying = async () => {
      const ids = plans.map((p) => /p-[0-9a-f]+/.exec(p.text)![0]);
      const states = await Promise.all(
        ids.map(async (id) => (await sandbox.bot!.deps.plans.get(id))?.status),
      );
      return states.filter((s) => s === 'applying').length;
    };
    // Four rollouts hold all four long-lane workers (the fifth waits for one).
    await until(() => sandbox.slack.messages().filter((m) => m.text.includes('Rolling out')).length >= 4);

    await sandbox.slack.command('viewer', '/ops status');
    await sandbox.slack.waitFor((m) => m.via === 'chat.postEphemeral' && m.text.includes('ai.coder.com'));
    await sandbox.slack.press('operator', spare, 'plan.cancel');
    await sandbox.slack.waitFor((m) => m.ts === spare.ts && m.text.includes('(cancelled)'));
    // Both were served while the rollouts were still stuck.
    expect(await applying()).toBeGreaterThanOrEqual(4);
    expect(ephemeralsFor(sandbox, 'viewer').length).toBeGreaterThan(0);

    // Let the rollouts finish (room again) so nothing is left running.
    sandbox.sim.kube.control.exhaustCapacity('us-east-2', false);
    await sandbox.slack.settle(60_000);
  }, 90_000);
});
