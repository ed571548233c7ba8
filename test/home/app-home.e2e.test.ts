import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { planFor, startTestSandbox } from '../scale/e2e-kit.js';
import { openHome } from '../support/open-home.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

it('App Home shows scheduled reverts and plans awaiting approval', async () => {
  const plan = await planFor(sandbox, 'operator', '/scale litellm 6 --for 2h');
  await sandbox.slack.press('operator2', plan, 'plan.approve');
  await sandbox.slack.settle();
  await planFor(sandbox, 'operator', '/scale coder 3');
  const shown = await openHome(sandbox, 'viewer');
  expect(shown).toContain('scale `litellm` to 6: reverts <!date^');
  expect(shown).toContain('scale `coder` to 3 · by <@');
});
