import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { OPS, type SlackFixture, slackError, startFixture } from './slack-fixture.js';

const fx: SlackFixture = await startFixture();
const { slack, bot } = fx;
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const button = (actionId: string, text = 'Approve') => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value: 'plan-1',
});

async function rejection(blocks: unknown[]): Promise<{ error: string; messages?: string[] }> {
  return slackError(() => bot.chat.postMessage({ channel: OPS, text: 'fallback', blocks: blocks as never }));
}

describe('Block Kit validation (invalid_blocks with response_metadata.messages)', () => {
  it('accepts a typical plan message', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Scale provisioners' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '6 → 10' },
        fields: [{ type: 'mrkdwn', text: '*by* otto' }],
      },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'expires in 15 min' }] },
      { type: 'actions', block_id: 'plan', elements: [button('approve'), { ...button('cancel', 'Cancel') }] },
      {
        type: 'rich_text',
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'x' }] }],
      },
    ];
    await expect(bot.chat.postMessage({ channel: OPS, text: 'plan', blocks })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('names each problem with a json-pointer, as Slack does', async () => {
    expect(await rejection([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }])).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });
    expect(await rejection([{ type: 'divider' }, { type: 'markdown', text: 'x' }])).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] unsupported type: markdown [json-pointer:/blocks/1/type]'],
    });
    expect(await rejection([{ type: 'section' }])).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] must define either `text` or `fields` [json-pointer:/blocks/0]'],
    });
  });

  it('enforces the header, button and action_id limits', async () => {
    const { messages } = await rejection([
      { type: 'header', text: { type: 'mrkdwn', text: 'h'.repeat(151) } },
      { type: 'actions', elements: [button('a'.repeat(256)), button('ok', 'b'.repeat(76))] },
    ]);
    expect(messages).toEqual([
      '[ERROR] must be `plain_text` [json-pointer:/blocks/0/text/type]',
      '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] must be less than 256 characters [json-pointer:/blocks/1/elements/0/action_id]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/1/elements/1/text/text]',
    ]);
  });

  it('refuses duplicate action_ids in a block and too many elements or blocks', async () => {
    expect((await rejection([{ type: 'actions', elements: [button('go'), button('go')] }])).messages).toEqual(
      ['[ERROR] non-unique action_id: go [json-pointer:/blocks/0/elements/1/action_id]'],
    );
    const many = Array.from({ length: 26 }, (_, i) => button(`b${i}`));
    expect((await rejection([{ type: 'actions', elements: many }])).messages).toEqual([
      '[ERROR] must be less than 26 items [json-pointer:/blocks/0/elements]',
    ]);
    const context = Array.from({ length: 11 }, () => ({ type: 'plain_text', text: 'c' }));
    expect((await rejection([{ type: 'context', elements: context }])).messages).toEqual([
      '[ERROR] must be less than 11 items [json-pointer:/blocks/0/elements]',
    ]);
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await rejection(blocks)).messages).toEqual([
      '[ERROR] must be less than 51 items [json-pointer:/blocks]',
    ]);
  });

  it('refuses blocks that are not an array with invalid_blocks_format', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${'xoxb'}-sandbox-test-bot`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ channel: OPS, text: 'x', blocks: '{"type":"divider"' }).toString(),
    });
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
    expect(slack.messages()).toEqual([]);
  });

  it('validates blocks in chat.update too, leaving the message unchanged', async () => {
    const posted = await bot.chat.postMessage({ channel: OPS, text: 'ok' });
    const bad = [{ type: 'header', text: { type: 'plain_text', text: '' } }];
    expect(
      await slackError(() => bot.chat.update({ channel: OPS, ts: posted.ts!, text: 'x', blocks: bad })),
    ).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    });
    expect(slack.messages().map((m) => m.via)).toEqual(['chat.postMessage']);
  });
});
