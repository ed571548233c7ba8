import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { OPS, type SlackFixture, startFixture, USERS } from './slack-fixture.js';

const fx: SlackFixture = await startFixture();
const { slack, bot, clock } = fx;
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  clock.reset();
  fx.faults.reset();
});

function command(text = 'status'): Record<string, string> {
  return slack.newSlashCommand({ command: '/ops', text, userId: USERS.operator.id, channelId: OPS });
}

async function respond(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('slash command fields', () => {
  it('carries every field Slack sends, with a response_url under responseUrlBase', () => {
    const fields = command('dns list');
    expect(Object.keys(fields).sort()).toEqual(
      [
        'token',
        'team_id',
        'team_domain',
        'channel_id',
        'channel_name',
        'user_id',
        'user_name',
        'command',
        'text',
        'api_app_id',
        'is_enterprise_install',
        'response_url',
        'trigger_id',
      ].sort(),
    );
    expect(fields).toMatchObject({ channel_name: 'ai-coder-ops', user_name: 'otto', text: 'dns list' });
    expect(fields.response_url!.startsWith(slack.responseUrlBase)).toBe(true);
  });
});

describe('response_url', () => {
  it('records replies with the channel and user of the command', async () => {
    const url = command().response_url!;
    expect(await respond(url, { text: 'queued job 42' })).toEqual({ status: 200, text: 'ok' });
    expect(await respond(url, { response_type: 'in_channel', text: 'done', thread_ts: '1.000001' })).toEqual({
      status: 200,
      text: 'ok',
    });
    const log = (await (await fetch(slack.messagesUrl)).json()) as unknown[];
    expect(log).toEqual([
      expect.objectContaining({
        seq: 1,
        via: 'response_url',
        channel: OPS,
        user: USERS.operator.id,
        text: 'queued job 42',
        response_type: 'ephemeral',
      }),
      expect.objectContaining({
        seq: 2,
        via: 'response_url',
        response_type: 'in_channel',
        thread_ts: '1.000001',
      }),
    ]);
  });

  it('allows 5 uses, then answers 404 used_url', async () => {
    const url = command().response_url!;
    for (let i = 0; i < 5; i++) expect((await respond(url, { text: `r${i}` })).status).toBe(200);
    expect(await respond(url, { text: 'sixth' })).toEqual({ status: 404, text: 'used_url' });
    expect(slack.messages()).toHaveLength(5);
  });

  it('expires after 30 minutes and answers unknown ids with 404', async () => {
    const url = command().response_url!;
    clock.advance(30 * 60 * 1000 + 1);
    expect(await respond(url, { text: 'late' })).toEqual({ status: 404, text: 'expired_url' });
    expect((await respond(`${slack.responseUrlBase}T0SANDBOX/1/nope`, { text: 'x' })).status).toBe(404);
    expect(slack.messages()).toEqual([]);
  });

  it('refuses malformed payloads without using up the URL', async () => {
    const url = command().response_url!;
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    expect(await respond(url, {})).toEqual({ status: 400, text: 'no_text' });
    expect(await respond(url, { blocks: [{ type: 'nope' }] })).toEqual({
      status: 400,
      text: 'invalid_blocks',
    });
    for (let i = 0; i < 5; i++) expect((await respond(url, { text: `r${i}` })).status).toBe(200);
  });

  it('answers injected faults under its own API name', async () => {
    fx.faults.fail('slack:response_url', { status: 500, count: 1 });
    const url = command().response_url!;
    expect((await respond(url, { text: 'x' })).status).toBe(500);
    expect((await respond(url, { text: 'x' })).status).toBe(200);
  });
});

interface ActionsPayload {
  trigger_id: string;
  response_url: string;
  container: Record<string, unknown>;
  message?: unknown;
  actions: Array<Record<string, unknown>>;
}

describe('block_actions payloads', () => {
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: 'Scale provisioners 6 → 10?' } },
    {
      type: 'actions',
      block_id: 'plan-p1',
      elements: [
        {
          type: 'button',
          action_id: 'approve',
          text: { type: 'plain_text', text: 'Approve' },
          value: 'p1',
          style: 'primary',
        },
        { type: 'button', action_id: 'cancel', text: { type: 'plain_text', text: 'Cancel' }, value: 'p1' },
      ],
    },
  ];

  it('builds a standard payload for a button in a channel message; replace_original edits that message', async () => {
    const posted = await bot.chat.postMessage({ channel: OPS, text: 'plan', blocks });
    const message = await slack.waitFor((m) => m.ts === posted.ts);
    const payload = slack.newBlockActions({
      message,
      actionId: 'approve',
      userId: USERS.operator2.id,
    }) as ActionsPayload;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: USERS.operator2.id, username: 'olga', team_id: 'T0SANDBOX' },
      api_app_id: slack.bot.appId,
      container: { type: 'message', message_ts: posted.ts, channel_id: OPS, is_ephemeral: false },
      channel: { id: OPS, name: 'ai-coder-ops' },
      message: { ts: posted.ts, text: 'plan', blocks, bot_id: slack.bot.botId },
      actions: [
        {
          action_id: 'approve',
          block_id: 'plan-p1',
          value: 'p1',
          type: 'button',
          style: 'primary',
          text: { text: 'Approve' },
        },
      ],
    });
    expect(payload.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(payload.actions[0]!.action_ts).toMatch(/^\d{10}\.\d{6}$/);
    await respond(payload.response_url, { replace_original: true, text: 'Approved by olga' });
    expect(slack.messages().at(-1)).toMatchObject({
      via: 'response_url',
      channel: OPS,
      user: USERS.operator2.id,
      ts: posted.ts,
      replace_original: true,
      text: 'Approved by olga',
    });
    // The replaced message is still the bot's, so chat.update keeps working on it.
    await expect(bot.chat.update({ channel: OPS, ts: posted.ts!, text: 'applied' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('marks ephemeral containers and leaves out the message, as Slack does', async () => {
    await bot.chat.postEphemeral({ channel: OPS, user: USERS.operator.id, text: 'plan', blocks });
    const message = slack.messages()[0]!;
    const payload = slack.newBlockActions({
      message,
      actionId: 'cancel',
      userId: USERS.operator.id,
      value: 'other',
    }) as ActionsPayload;
    expect(payload.container).toMatchObject({ is_ephemeral: true, message_ts: message.ts });
    expect(payload.message).toBeUndefined();
    expect(payload.actions[0]).toMatchObject({ action_id: 'cancel', value: 'other' });
  });

  it('throws for an action_id the message does not have', async () => {
    await bot.chat.postMessage({ channel: OPS, text: 'plan', blocks });
    expect(() =>
      slack.newBlockActions({ message: slack.messages()[0]!, actionId: 'nope', userId: USERS.admin.id }),
    ).toThrow(/action_id nope/);
  });
});
