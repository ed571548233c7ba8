import { afterAll, beforeAll, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/sign-request.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { planFor, startTestSandbox } from '../scale/e2e-kit.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/** An Events API delivery as Slack sends it: JSON, signed. */
async function openHome(role: string) {
  const user = sandbox.slack.user(role);
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: sandbox.state.slack.teamId,
    api_app_id: 'A0OPSBOT',
    event: { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1.000' },
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
  });
  const res = await fetch(sandbox.state.slack.eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signSlackRequest(sandbox.state.slack.signingSecret, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  expect(res.status).toBe(200);
}

it('App Home shows scheduled reverts and plans awaiting approval', async () => {
  const plan = await planFor(sandbox, 'operator', '/scale litellm 6 --for 2h');
  await sandbox.slack.press('operator2', plan, 'plan.approve');
  await sandbox.slack.settle();
  await planFor(sandbox, 'operator', '/scale coder 3');
  await openHome('viewer');
  const home = await sandbox.slack.waitFor((m) => m.via === 'views.publish');
  expect(home.channel).toBe(sandbox.slack.user('viewer'));
  const shown = JSON.stringify(home.view ?? home.blocks);
  expect(shown).toContain('scale `litellm` to 6: reverts <!date^');
  expect(shown).toContain('scale `coder` to 3 · by <@');
});
