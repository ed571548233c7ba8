import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postInteraction, postSlashCommand } from '../../src/sandbox/slack/send-to-bot.js';
import { signSlackRequest } from '../../src/sandbox/slack/sign-request.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { requestJobs } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = (await startE2E()).sandbox;
});
afterAll(async () => {
  await sandbox.close();
});

const nowSec = () => Math.floor(Date.now() / 1000);

/** A correctly signed request with any body and content type, as only someone with the secret could send. */
async function postSigned(body: string, contentType: string) {
  const res = await fetch(sandbox.state.slack.eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...signSlackRequest(sandbox.state.slack.signingSecret, body, nowSec()),
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}

/** Jobs requests made (the schedulers' own jobs, such as the minute's plan sweep, left out). */
function jobCount(): Promise<number> {
  return requestJobs(sandbox);
}

function slash(command: string, text: string) {
  return sandbox.sim.slack.newSlashCommand({
    command,
    text,
    userId: sandbox.state.slack.users.operator!,
    channelId: sandbox.state.slack.channelId,
  });
}

/** A real block_actions payload: the Cancel button of a plan opsbot posted. */
async function planButtonPayload(): Promise<Record<string, unknown>> {
  await sandbox.slack.command('operator', '/ops notice receiver test');
  const plan = await sandbox.slack.waitFor(
    (m) => m.channel === sandbox.state.slack.channelId && m.text.includes('receiver test') && !!m.blocks,
  );
  return sandbox.sim.slack.newBlockActions({
    message: plan,
    actionId: 'plan.cancel',
    userId: sandbox.state.slack.users.operator!,
  }) as Record<string, unknown>;
}

describe('timestamps', () => {
  it('refuses a correctly signed request dated more than five minutes ahead, like a stale one', async () => {
    const before = await jobCount();
    const reply = await postSlashCommand(
      sandbox.state.slack.eventsUrl,
      sandbox.state.slack.signingSecret,
      slash('/ops', 'status'),
      { timestampSec: nowSec() + 10 * 60 },
    );
    expect(reply.status).toBe(401);
    expect(await jobCount()).toBe(before);
    const [latest] = await sandbox.bot!.deps.audit.latest(1);
    expect(latest).toMatchObject({ action: 'request.verify', outcome: 'denied' });
    expect(latest?.detail).toMatch(/^future-timestamp from /);
  });
});

describe('malformed payloads are answered 400 and recorded', () => {
  it.each([
    ['payload=null', 'payload=null', 'application/x-www-form-urlencoded'],
    ['a payload that is not JSON', 'payload=%7Bnot-json', 'application/x-www-form-urlencoded'],
    ['neither a command nor a typed payload', 'foo=bar', 'application/x-www-form-urlencoded'],
    [
      'a slash command without a user',
      'command=%2Fops&text=status&channel_id=C1',
      'application/x-www-form-urlencoded',
    ],
    ['an event_callback without its event', '{"type":"event_callback","team_id":"T1"}', 'application/json'],
    ['a JSON array', '[1,2]', 'application/json'],
  ])('%s', async (_what, body, contentType) => {
    const before = await jobCount();
    const reply = await postSigned(body, contentType);
    expect(reply.status).toBe(400);
    expect(await jobCount()).toBe(before);
    const [latest] = await sandbox.bot!.deps.audit.latest(1);
    expect(latest).toMatchObject({ action: 'request.parse', outcome: 'refused' });
    expect(latest?.detail).toMatch(/^malformed: /);
  });

  it('a block_actions without a user', async () => {
    const { user: _user, ...payload } = await planButtonPayload();
    const reply = await postInteraction(
      sandbox.state.slack.eventsUrl,
      sandbox.state.slack.signingSecret,
      payload,
    );
    expect(reply.status).toBe(400);
    const [latest] = await sandbox.bot!.deps.audit.latest(1);
    expect(latest?.detail).toBe('malformed: block_actions with a missing or invalid user');
  });
});

describe('requests nothing listens for are answered at once, not after Bolt gives up at 3 s', () => {
  it('an unregistered slash command gets a plain ephemeral answer', async () => {
    const reply = await postSlashCommand(
      sandbox.state.slack.eventsUrl,
      sandbox.state.slack.signingSecret,
      slash('/foo', 'bar'),
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      response_type: 'ephemeral',
      text: ':warning: /foo is not a command opsbot knows.',
    });
    expect(reply.ms).toBeLessThan(1500);
  });

  it('an unknown button gets an empty 200', async () => {
    const payload = await planButtonPayload();
    const actions = payload.actions as Record<string, unknown>[];
    const reply = await postInteraction(sandbox.state.slack.eventsUrl, sandbox.state.slack.signingSecret, {
      ...payload,
      actions: [{ ...actions[0], action_id: 'survey.vote' }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expect(reply.ms).toBeLessThan(1500);
  });
});
