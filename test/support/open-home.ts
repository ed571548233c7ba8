import { expect } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/sign-request.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';

/**
 * `role` opens the bot's App Home: an `app_home_opened` Events API delivery as Slack sends it (JSON,
 * signed). Resolves with what the bot then published for that user, as text.
 */
export async function openHome(sandbox: Sandbox, role: string): Promise<string> {
  const user = sandbox.slack.user(role);
  const seen = sandbox.slack.messages().length;
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: sandbox.state.slack.teamId,
    api_app_id: 'A0OPSBOT',
    event: { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1.000' },
    event_id: `Ev${Date.now()}${role}`,
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
  const home = await sandbox.slack.waitFor(
    (m) => m.seq > seen && m.via === 'views.publish' && m.channel === user,
  );
  return JSON.stringify(home.view ?? home.blocks);
}
