import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, OPS, type SlackFixture, slackError, startFixture, USERS } from './slack-fixture.js';

// Slack's size limits, driven through the official WebClient (and plain HTTP where no token is involved).
const fx: SlackFixture = await startFixture();
const { slack, bot } = fx;
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Slack message limits', () => {
  it('refuses more than 50 blocks and a section text over 3,000 characters with invalid_blocks and the reason', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    const many = await slackError(() => bot.chat.postMessage({ channel: OPS, text: 'x', blocks: tooMany }));
    expect(many).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] must be less than 51 items [json-pointer:/blocks]'],
    });
    expect(
      await bot.chat.postMessage({ channel: OPS, text: 'x', blocks: tooMany.slice(0, 50) }),
    ).toMatchObject({ ok: true });
    const long = await slackError(() =>
      bot.chat.postMessage({ channel: OPS, text: 'x', blocks: [section('a'.repeat(3001))] }),
    );
    expect(long.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    // The raw answer lists the reasons twice, as Slack's does: in `errors` and in response_metadata.
    const raw = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: OPS, text: 'x', blocks: [section('a'.repeat(3001))] }),
    });
    expect(await raw.json()).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: {
        messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      },
    });
  });

  it('refuses blocks whose text adds up to more than Slack takes in one message (msg_blocks_too_long)', async () => {
    const blocks = Array.from({ length: 5 }, () => section('b'.repeat(2700)));
    expect(await slackError(() => bot.chat.postMessage({ channel: OPS, text: 'x', blocks }))).toEqual({
      error: 'msg_blocks_too_long',
    });
    expect(await bot.chat.postMessage({ channel: OPS, text: 'x', blocks: blocks.slice(0, 4) })).toMatchObject(
      { ok: true },
    );
  });

  it('truncates a posted text over 40,000 characters, with the message_truncated warning', async () => {
    const res = await bot.chat.postMessage({ channel: OPS, text: `${'é'.repeat(39_999)}xyz` });
    expect(res).toMatchObject({ ok: true, warning: 'message_truncated' });
    expect(res.response_metadata?.warnings).toEqual(['message_truncated']);
    const recorded = slack.messages().at(-1)!;
    expect([...recorded.text].length).toBe(40_000);
    expect(recorded.text.endsWith('éx')).toBe(true);
  });

  it('answers msg_too_long where a text over 40,000 characters cannot be cut: chat.update, chat.postEphemeral, response_url', async () => {
    const posted = await bot.chat.postMessage({ channel: OPS, text: 'short' });
    const long = 'z'.repeat(40_001);
    expect(await slackError(() => bot.chat.update({ channel: OPS, ts: posted.ts!, text: long }))).toEqual({
      error: 'msg_too_long',
    });
    expect(
      await slackError(() => bot.chat.postEphemeral({ channel: OPS, user: USERS.operator.id, text: long })),
    ).toEqual({ error: 'msg_too_long' });
    const url = slack.newSlashCommand({
      command: '/ops',
      text: 'audit',
      userId: USERS.operator.id,
      channelId: OPS,
    }).response_url!;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: long }),
    });
    expect([res.status, await res.text()]).toEqual([400, 'msg_too_long']);
  });

  it('answers api.test without a token, echoing its arguments or the error asked for', async () => {
    const plain = await fetch(`${slack.apiUrl}api.test`, { method: 'POST' });
    expect(await plain.json()).toEqual({ ok: true });
    const echoed = await fetch(`${slack.apiUrl}api.test?foo=bar`);
    expect(await echoed.json()).toEqual({ ok: true, args: { foo: 'bar' } });
    const failing = await fetch(`${slack.apiUrl}api.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'error=my_error&token=anything',
    });
    expect(await failing.json()).toEqual({ ok: false, error: 'my_error', args: { error: 'my_error' } });
    expect(await bot.apiCall('api.test', { hello: 'world' })).toMatchObject({
      ok: true,
      args: { hello: 'world' },
    });
  });
});
