import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretScrubber } from '../../src/logging/scrub-secrets.js';
import { type PostSlots, postOnceIn } from '../../src/plans/post-once-in.js';
import { SlackChat } from '../../src/slack/slack-chat.js';
import { blocksTextLength, chunkText, splitMessage } from '../../src/slack/split-message.js';
import { OPS, type SlackFixture, startFixture, USERS } from '../sandbox/slack/slack-fixture.js';

// Output longer than one Slack message: the sandbox enforces Slack's limits, SlackChat splits instead of failing.
const SECRET = 'litellm-master-4f9c2e7a1b';
const fx: SlackFixture = await startFixture();
const { slack, bot } = fx;
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const chat = new SlackChat(bot, { scrub: createSecretScrubber([SECRET]) });
const row = (i: number) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: `row ${i}: ${'x'.repeat(40)}` },
});
const buttons = {
  type: 'actions',
  elements: [
    { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'p1' },
  ],
};
const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1));
const textOf = (blocks: unknown) => JSON.stringify(blocks);

describe('SlackChat with output too long for one message', () => {
  it('posts the first 48 rows with the buttons, the rest in the thread', async () => {
    const posted = await chat.post({
      channel: OPS,
      text: 'Audit (120 entries)',
      blocks: [...rows(120), buttons],
    });
    const log = slack.messages();
    const [first, ...replies] = log;
    expect(first).toMatchObject({ via: 'chat.postMessage', ts: posted.ts, text: 'Audit (120 entries)' });
    expect(first!.thread_ts).toBeUndefined();
    expect(first!.blocks).toHaveLength(50);
    expect(first!.blocks!.at(-2)).toEqual(buttons);
    expect(textOf(first!.blocks!.at(-1))).toContain('Continued in the thread (2 more messages)');
    expect(replies.map((m) => [m.via, m.thread_ts])).toEqual([
      ['chat.postMessage', posted.ts],
      ['chat.postMessage', posted.ts],
    ]);
    expect(replies[0]!.text).toBe('Audit (120 entries) (continued, 2/3)');
    // Every row is there once, in order.
    const all = log.flatMap((m) => m.blocks ?? []).filter((b) => b.type === 'section');
    expect(all.map((b) => (b.text as { text: string }).text.split(':')[0])).toEqual(
      rows(120).map((r) => r.text.text.split(':')[0]),
    );
    // The buttons of the first message still work as usual: it is the message the bot edits.
    await chat.update(posted, { text: 'Audit (approved)', blocks: rows(3) });
    expect(slack.messages().at(-1)).toMatchObject({ via: 'chat.update', ts: posted.ts, blocks: rows(3) });
  });

  it('a post-once that crashed between the parts of a long message posts the missing parts on its retry, none twice', async () => {
    const slots = new Map<string, string>();
    const store: PostSlots = {
      get: async (slot) => slots.get(slot),
      claimed: async (slot) => slots.has(`${slot}:claim`),
      claim: async (slot, at) => void slots.set(`${slot}:claim`, String(at)),
      record: async (slot, ts) => void slots.set(slot, ts),
    };
    const deps = { chat, clock: { now: () => Date.now() } };
    const message = { channel: OPS, text: 'Result (170 rows)', blocks: rows(170) };
    // Slack takes the first part and the first continuation, then the process dies (the third post fails).
    fx.faults.fail('slack', { status: 500, count: 1, after: 2 });
    await expect(postOnceIn(store, deps, 'result', 'p-1:result', message)).rejects.toThrow();
    expect(slack.messages()).toHaveLength(2);
    const again = await postOnceIn(store, deps, 'result', 'p-1:result', message);
    const log = slack.messages();
    expect(log.filter((m) => !m.thread_ts).map((m) => m.ts)).toEqual([again.ts]);
    // Every row once, in order: the retry posted only what was missing.
    const all = log.flatMap((m) => m.blocks ?? []).filter((b) => b.type === 'section');
    expect(all.map((b) => (b.text as { text: string }).text.split(':')[0])).toEqual(
      rows(170).map((r) => r.text.text.split(':')[0]),
    );
    // A third run (the record written) posts nothing.
    await postOnceIn(store, deps, 'result', 'p-1:result', message);
    expect(slack.messages()).toHaveLength(log.length);
  });

  it('splits a section over 3,000 characters into several, and keeps the block text per message under the limit', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} ${'y'.repeat(60)}`).join('\n');
    await chat.post({
      channel: OPS,
      text: 'Long section',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: long } }],
    });
    const log = slack.messages();
    expect(log.length).toBeGreaterThan(1);
    for (const m of log) expect(blocksTextLength(m.blocks)).toBeLessThanOrEqual(13_200);
    const joined = log
      .flatMap((m) => m.blocks ?? [])
      .filter((b) => b.type === 'section')
      .map((b) => (b.text as { text: string }).text)
      .join('\n');
    expect(joined).toBe(long);
  });

  it('puts the whole output in a text file in the thread when it would take more than 5 messages', async () => {
    const posted = await chat.post({
      channel: OPS,
      text: 'Jobs (600)',
      blocks: [...rows(599), { type: 'section', text: { type: 'mrkdwn', text: `token ${SECRET}` } }],
    });
    const log = slack.messages();
    expect(log.map((m) => m.via)).toEqual(['chat.postMessage', 'files.completeUploadExternal']);
    expect(textOf(log[0]!.blocks!.at(-1))).toContain('the whole output is in the file in the thread');
    expect(log[1]).toMatchObject({ thread_ts: posted.ts });
    const [file] = slack.files();
    const content = Buffer.from(file!.bytes!).toString('utf8');
    expect(content.split('\n').filter((l) => l.startsWith('row '))).toHaveLength(599);
    expect(content).not.toContain(SECRET);
  });

  it('splits a plain text over 40,000 characters into thread replies instead of letting Slack cut it', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `event ${i} ${'z'.repeat(60)}`).join('\n');
    await chat.post({ channel: OPS, text });
    const log = slack.messages();
    expect(log).toHaveLength(2);
    expect(log.map((m) => m.text.replace(/\n\n_Continued.*_$/, '')).join('\n')).toBe(text);
  });

  it('sends a long ephemeral answer as a few messages, cut with a notice; an edit keeps what fits', async () => {
    await chat.postEphemeral({ channel: OPS, user: USERS.operator.id, text: 'Status', blocks: rows(400) });
    const log = slack.messages();
    expect(log.map((m) => m.via)).toEqual(['chat.postEphemeral', 'chat.postEphemeral', 'chat.postEphemeral']);
    expect(textOf(log[2]!.blocks!.at(-1))).toMatch(/… \d+ more lines not shown: too long for Slack\./);
    slack.reset();
    const posted = await chat.post({ channel: OPS, text: 'Plan' });
    await chat.update(posted, { text: 'Plan', blocks: [...rows(80), buttons] });
    const edited = slack.messages().at(-1)!;
    expect(edited.via).toBe('chat.update');
    expect(edited.blocks).toHaveLength(50);
    expect(edited.blocks!.at(-2)).toEqual(buttons);
    expect(textOf(edited.blocks!.at(-1))).toContain('32 more lines not shown');
  });

  it('answers through response_url in two parts at most', async () => {
    const url = slack.newSlashCommand({
      command: '/ops',
      text: 'audit',
      userId: USERS.operator.id,
      channelId: OPS,
    }).response_url!;
    await chat.respond(url, { text: 'Audit', blocks: rows(200) });
    const log = slack.messages();
    expect(log.map((m) => m.via)).toEqual(['response_url', 'response_url']);
    expect(textOf(log[1]!.blocks!.at(-1))).toContain('more lines not shown');
  });
});

describe('chunkText', () => {
  it('cuts between lines, closing and reopening a code block at the cut', () => {
    const text = ['```', ...Array.from({ length: 30 }, (_, i) => `line ${i}`), '```'].join('\n');
    const chunks = chunkText(text, 100);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      expect((chunk.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it('leaves a message that fits untouched', () => {
    const message = { text: 'ok', blocks: rows(3) };
    expect(splitMessage(message)).toEqual([message]);
  });
});
