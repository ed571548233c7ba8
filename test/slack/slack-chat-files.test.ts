import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretScrubber } from '../../src/logging/scrub-secrets.js';
import { SlackChat, TIME_ZONE_TTL_MS } from '../../src/slack/slack-chat.js';
import { OPS, type SlackFixture, startFixture, USERS } from '../sandbox/slack/slack-fixture.js';
import { recordingLogger } from '../support/recording-logger.js';

const SECRET = 'litellm-master-4f9c2e7a1b';

const fx: SlackFixture = await startFixture({
  users: {
    ...USERS,
    operator: { ...USERS.operator, tz: 'America/Chicago' },
    operator2: { ...USERS.operator2, tz: 'Europe/London' },
  },
});
const { slack, bot } = fx;
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  fx.faults.reset();
});

function chatWith(now = { t: 1_000_000 }) {
  const logger = recordingLogger();
  const chat = new SlackChat(bot, {
    scrub: createSecretScrubber([SECRET]),
    logger,
    clock: { now: () => now.t },
  });
  return { chat, logger, now };
}

const BYTES = new Uint8Array(Array.from({ length: 3000 }, (_, i) => i % 251));

describe('SlackChat.uploadFile', () => {
  it('uploads through files.uploadV2 into the thread and returns the file id', async () => {
    const { chat } = chatWith();
    const parent = await chat.post({ channel: OPS, text: 'Workshop k8s-101 ended' });
    const { fileId } = await chat.uploadFile({
      channel: OPS,
      threadTs: parent.ts,
      filename: 'workshop-chart.png',
      title: 'Queue wait and workspaces',
      altText: 'Chart',
      initialComment: 'Summary',
      content: BYTES,
    });
    const [file] = slack.files();
    expect(file?.id).toBe(fileId);
    expect(Buffer.from(file!.bytes!).equals(Buffer.from(BYTES))).toBe(true);
    expect(slack.messages().at(-1)).toMatchObject({
      via: 'files.completeUploadExternal',
      thread_ts: parent.ts,
      text: 'Summary',
      files: [
        { id: fileId, name: 'workshop-chart.png', title: 'Queue wait and workspaces', size: BYTES.length },
      ],
    });
  });

  it('scrubs secrets from the comment, title and alt text, and neutralizes the comment’s markup', async () => {
    const { chat } = chatWith();
    // Token-shaped but built at run time, so no token-looking literal sits in the source.
    const tokenShaped = ['xoxb', '1234567890', 'abcdefghij'].join('-');
    await chat.uploadFile({
      channel: OPS,
      filename: 'chart.png',
      title: `key ${SECRET}`,
      altText: `alt ${SECRET}`,
      initialComment: `<!channel> the key was ${SECRET} and ${tokenShaped}`,
      content: BYTES,
    });
    const shared = slack.messages().at(-1)!;
    const everything = JSON.stringify({
      shared,
      files: slack.files().map((f) => ({ ...f, bytes: undefined })),
    });
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(tokenShaped);
    expect(shared.text).toBe('&lt;!channel&gt; the key was [redacted] and [redacted]');
    expect(shared.files?.[0]).toMatchObject({ title: 'key [redacted]', alt_txt: 'alt [redacted]' });
  });

  it('surfaces a Slack refusal (unknown channel) as an error', async () => {
    const { chat } = chatWith();
    await expect(
      chat.uploadFile({ channel: 'C0NOPE', filename: 'a.png', title: 'a', content: BYTES }),
    ).rejects.toThrow(/channel_not_found/);
  });
});

describe('SlackChat.userTimeZone', () => {
  it('reads the profile zone from users.info and reuses it for ten minutes', async () => {
    const { chat, now } = chatWith();
    expect(await chat.userTimeZone(USERS.operator.id)).toBe('America/Chicago');
    expect(await chat.userTimeZone(USERS.operator2.id)).toBe('Europe/London');

    // Slack down: the cached answer still serves until it expires.
    fx.faults.setUnreachable('slack', true);
    now.t += TIME_ZONE_TTL_MS - 1;
    expect(await chat.userTimeZone(USERS.operator.id)).toBe('America/Chicago');
    now.t += 2;
    expect(await chat.userTimeZone(USERS.operator.id)).toBeUndefined();
  });

  it('answers undefined on any error, noting it at debug level, and asks again a minute later', async () => {
    const { chat, logger, now } = chatWith();
    expect(await chat.userTimeZone('U0NOBODY')).toBeUndefined();
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'debug', obj: expect.objectContaining({ userId: 'U0NOBODY' }) }),
    ]);
    expect(JSON.stringify(logger.lines)).toContain('user_not_found');

    fx.faults.fail('slack', { status: 500, count: 1 });
    expect(await chat.userTimeZone(USERS.operator.id)).toBeUndefined();
    expect(await chat.userTimeZone(USERS.operator.id)).toBeUndefined(); // cached failure: no second call
    now.t += 60_001;
    expect(await chat.userTimeZone(USERS.operator.id)).toBe('America/Chicago');
  });
});
