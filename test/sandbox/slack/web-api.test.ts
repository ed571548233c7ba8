import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../../src/sandbox/slack/start-slack-sandbox.js';
import {
  APP_TOKEN,
  client,
  OPS,
  OTHER,
  type SlackFixture,
  slackError,
  startFixture,
  USERS,
} from './slack-fixture.js';

const fx: SlackFixture = await startFixture();
const { slack, bot } = fx;
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  fx.faults.reset();
});

async function fetchMessages(): Promise<RecordedMessage[]> {
  const res = await fetch(slack.messagesUrl);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as RecordedMessage[];
}

describe('Slack Web API', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await bot.auth.test();
    expect(res).toMatchObject({
      ok: true,
      team_id: 'T0SANDBOX',
      user_id: slack.bot.userId,
      bot_id: slack.bot.botId,
    });
  });

  it('rejects missing, unknown and wrong-kind tokens like Slack', async () => {
    expect(await slackError(() => client(slack).auth.test())).toEqual({ error: 'not_authed' });
    expect(await slackError(() => client(slack, ['xox', 'b-sandbox-nope'].join('')).auth.test())).toEqual({
      error: 'invalid_auth',
    });
    expect(
      await slackError(() => client(slack, APP_TOKEN).chat.postMessage({ channel: OPS, text: 'x' })),
    ).toEqual({
      error: 'not_allowed_token_type',
    });
    expect(await slackError(() => bot.apps.connections.open({}))).toEqual({
      error: 'not_allowed_token_type',
    });
  });

  it('posts, threads and records messages with Slack-shaped timestamps', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*plan* ready' } }];
    const posted = await bot.chat.postMessage({ channel: OPS, text: 'plan ready', blocks });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({ text: 'plan ready', bot_id: slack.bot.botId, blocks });
    const reply = await bot.chat.postMessage({
      channel: '#ai-coder-ops',
      text: 'applied',
      thread_ts: posted.ts!,
    });
    expect(reply.channel).toBe(OPS);
    expect(reply.ts! > posted.ts!).toBe(true);
    const log = await fetchMessages();
    expect(log).toEqual([
      { seq: 1, via: 'chat.postMessage', channel: OPS, ts: posted.ts, text: 'plan ready', blocks },
      { seq: 2, via: 'chat.postMessage', channel: OPS, ts: reply.ts, thread_ts: posted.ts, text: 'applied' },
    ]);
  });

  it('accepts JSON bodies with the token in the Authorization header', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${'xoxb'}-sandbox-test-bot`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: OPS, text: 'json works' }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: OPS });
  });

  it('refuses posts to unknown channels and posts with no content', async () => {
    expect(await slackError(() => bot.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toEqual({
      error: 'channel_not_found',
    });
    expect(await slackError(() => bot.chat.postMessage({ channel: OPS } as never))).toEqual({
      error: 'no_text',
    });
    expect(slack.messages()).toEqual([]);
  });

  it('updates a bot message, keeping blocks unless replaced, and refuses unknown ts', async () => {
    const blocks = [{ type: 'section', text: { type: 'plain_text', text: 'step 1/3' } }];
    const posted = await bot.chat.postMessage({ channel: OPS, text: 'progress', blocks });
    const updated = await bot.chat.update({ channel: OPS, ts: posted.ts!, text: 'progress 2' });
    expect(updated).toMatchObject({ ok: true, channel: OPS, ts: posted.ts, text: 'progress 2' });
    expect(slack.messages().at(-1)).toMatchObject({
      via: 'chat.update',
      ts: posted.ts,
      text: 'progress 2',
      blocks,
    });
    expect(
      await slackError(() => bot.chat.update({ channel: OPS, ts: '1700000000.000001', text: 'x' })),
    ).toEqual({
      error: 'message_not_found',
    });
    expect(await slackError(() => bot.chat.update({ channel: OTHER, ts: posted.ts!, text: 'x' }))).toEqual({
      error: 'message_not_found',
    });
    expect(await slackError(() => bot.chat.update({ channel: OPS, text: 'x' } as never))).toMatchObject({
      error: 'invalid_arguments',
    });
  });

  it('refuses chat.update on a message the bot did not post with its token', async () => {
    const fields = slack.newSlashCommand({
      command: '/ops',
      text: 'status',
      userId: USERS.operator.id,
      channelId: OPS,
    });
    await fetch(fields.response_url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'in_channel', text: 'status: ok' }),
    });
    const inChannel = slack.messages()[0]!;
    expect(await slackError(() => bot.chat.update({ channel: OPS, ts: inChannel.ts, text: 'x' }))).toEqual({
      error: 'cant_update_message',
    });
  });

  it('posts ephemeral messages only to known users and cannot update them', async () => {
    const res = await bot.chat.postEphemeral({ channel: OPS, user: USERS.viewer.id, text: 'only you' });
    expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.messages()).toEqual([
      {
        seq: 1,
        via: 'chat.postEphemeral',
        channel: OPS,
        user: USERS.viewer.id,
        ts: res.message_ts,
        text: 'only you',
      },
    ]);
    expect(
      await slackError(() => bot.chat.postEphemeral({ channel: OPS, user: 'U0NOPE', text: 'x' })),
    ).toEqual({
      error: 'user_not_found',
    });
    expect(await slackError(() => bot.chat.update({ channel: OPS, ts: res.message_ts!, text: 'x' }))).toEqual(
      {
        error: 'message_not_found',
      },
    );
  });

  it('looks up users, channels and user groups', async () => {
    const user = await bot.users.info({ user: USERS.admin.id });
    expect(user.user).toMatchObject({
      id: USERS.admin.id,
      name: 'ada',
      real_name: 'Ada Admin',
      is_admin: true,
    });
    expect(await slackError(() => bot.users.info({ user: 'U0NOPE' }))).toEqual({ error: 'user_not_found' });
    const channel = await bot.conversations.info({ channel: OPS });
    expect(channel.channel).toMatchObject({ id: OPS, name: 'ai-coder-ops', is_member: true });
    expect(await slackError(() => bot.conversations.info({ channel: 'C0NOPE' }))).toEqual({
      error: 'channel_not_found',
    });
    const group = await bot.usergroups.users.list({ usergroup: 'S0OPSONCALL' });
    expect(group.users).toEqual([USERS.operator.id, USERS.operator2.id]);
    expect(await slackError(() => bot.usergroups.users.list({ usergroup: 'S0NOPE' }))).toEqual({
      error: 'no_such_subteam',
    });
  });

  it('answers injected faults: 429 with Retry-After, 5xx as HTTP errors', async () => {
    fx.faults.fail('slack', { status: 429, count: 1, retryAfter: 7 });
    await expect(bot.chat.postMessage({ channel: OPS, text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    fx.faults.fail('slack', { status: 503, count: 1 });
    await expect(bot.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    await expect(bot.auth.test()).resolves.toMatchObject({ ok: true });
    expect(slack.messages()).toEqual([]);
  });

  it('rate-limits chat.update per channel and lets the window pass', async () => {
    const limited = await startFixture({ chatUpdatesPerMinute: 3 });
    try {
      const posted = await limited.bot.chat.postMessage({ channel: OPS, text: 'p' });
      for (let i = 0; i < 3; i++)
        await limited.bot.chat.update({ channel: OPS, ts: posted.ts!, text: `u${i}` });
      await expect(
        limited.bot.chat.update({ channel: OPS, ts: posted.ts!, text: 'u3' }),
      ).rejects.toMatchObject({
        code: 'slack_webapi_rate_limited_error',
      });
      limited.clock.advance(61_000);
      await expect(
        limited.bot.chat.update({ channel: OPS, ts: posted.ts!, text: 'u4' }),
      ).resolves.toMatchObject({
        ok: true,
      });
      expect(limited.slack.messages().filter((m) => m.via === 'chat.update')).toHaveLength(4);
    } finally {
      await limited.slack.close();
    }
  });

  it('waitFor resolves on a later message and times out with a clear error', async () => {
    const waiting = slack.waitFor((m) => m.text === 'later');
    await bot.chat.postMessage({ channel: OPS, text: 'later' });
    await expect(waiting).resolves.toMatchObject({ text: 'later', via: 'chat.postMessage' });
    await expect(slack.waitFor((m) => m.text === 'never', 50)).rejects.toThrow(/no matching Slack message/);
  });
});
