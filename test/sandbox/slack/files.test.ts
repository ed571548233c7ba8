import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, client, OPS, type SlackFixture, slackError, startFixture } from './slack-fixture.js';

const fx: SlackFixture = await startFixture({
  users: {
    admin: { id: 'U0ADMIN', name: 'ada', realName: 'Ada Admin', isAdmin: true, tz: 'UTC' },
    operator: { id: 'U0OPER1', name: 'otto', realName: 'Otto Operator', tz: 'America/Chicago' },
    operator2: { id: 'U0OPER2', name: 'olga', realName: 'Olga Operator', tz: 'Europe/London' },
    viewer: { id: 'U0VIEWER', name: 'vic', realName: 'Vic Viewer' },
  },
});
const { slack, bot } = fx;
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  fx.faults.reset();
  fx.clock.reset();
});

function setClock(at: number): void {
  fx.clock.reset();
  fx.clock.advance(at - fx.clock.now());
}

/** A small valid PNG (1×1, white): enough for Slack's image fields. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==',
  'base64',
);

async function threadParent(): Promise<string> {
  const parent = await bot.chat.postMessage({ channel: OPS, text: 'Workshop k8s-101 is over' });
  return parent.ts!;
}

/** files.getUploadURLExternal, then the bytes to its upload_url, as a raw body (curl --data-binary). */
async function openAndUpload(bytes: Uint8Array, length = bytes.byteLength, filename = 'chart.png') {
  const opened = await bot.files.getUploadURLExternal({ filename, length });
  const res = await fetch(opened.upload_url!, { method: 'POST', body: bytes });
  return {
    fileId: opened.file_id!,
    uploadUrl: opened.upload_url!,
    status: res.status,
    body: await res.text(),
  };
}

describe('files.uploadV2 against the sandbox', () => {
  it('lands the file in the thread with its bytes, title, alt text and comment', async () => {
    const thread = await threadParent();
    const res = await bot.files.uploadV2({
      channel_id: OPS,
      thread_ts: thread,
      file: PNG,
      filename: 'workshop-chart.png',
      title: 'Queue wait and workspaces',
      alt_text: 'Line chart of provisioner queue wait',
      initial_comment: 'Workshop summary',
    });
    const completion = (
      res as unknown as { files: { files: { id: string; title: string; size: number }[] }[] }
    ).files;
    const fileId = completion[0]!.files[0]!.id;
    expect(completion[0]!.files[0]).toMatchObject({
      title: 'Queue wait and workspaces',
      size: PNG.byteLength,
    });

    // The bytes went to the sandbox's upload_url (WebClient posts them as a multipart form).
    const [stored] = slack.files();
    expect(stored).toMatchObject({
      id: fileId,
      name: 'workshop-chart.png',
      length: PNG.byteLength,
      altText: 'Line chart of provisioner queue wait',
      completed: { title: 'Queue wait and workspaces', channels: [OPS], threadTs: thread },
    });
    expect(Buffer.from(stored!.bytes!).equals(PNG)).toBe(true);

    const shared = slack.messages().find((m) => m.via === 'files.completeUploadExternal');
    expect(shared).toMatchObject({
      channel: OPS,
      thread_ts: thread,
      text: 'Workshop summary',
      files: [
        {
          id: fileId,
          name: 'workshop-chart.png',
          title: 'Queue wait and workspaces',
          mimetype: 'image/png',
          size: PNG.byteLength,
          alt_txt: 'Line chart of provisioner queue wait',
        },
      ],
    });

    const replies = await bot.conversations.replies({ channel: OPS, ts: thread });
    expect(replies.messages).toHaveLength(2);
    expect(replies.messages![1]).toMatchObject({
      text: 'Workshop summary',
      thread_ts: thread,
      upload: true,
      files: [{ id: fileId, name: 'workshop-chart.png', filetype: 'png', original_w: 1, original_h: 1 }],
    });

    // Slack's url_private needs the bot token; the sandbox's own route does not.
    const file = replies.messages![1]!.files![0]!;
    const viaToken = await fetch(file.url_private!, { headers: { authorization: `Bearer ${BOT_TOKEN}` } });
    expect(viaToken.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await viaToken.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(file.url_private!)).status).toBe(403);
    const viaSandbox = await fetch(`${slack.filesUrl}${fileId}`);
    expect(Buffer.from(await viaSandbox.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('takes raw bodies and curl-style forms at the upload URL, answering like Slack', async () => {
    const raw = await openAndUpload(PNG);
    expect(raw.uploadUrl.startsWith(slack.apiUrl.replace(/api\/$/, 'upload/v1/'))).toBe(true);
    expect(raw).toMatchObject({ status: 200, body: `OK - ${PNG.byteLength}` });

    const opened = await bot.files.getUploadURLExternal({ filename: 'notes.txt', length: 5 });
    const form = new FormData();
    form.append('filename', new Blob([Buffer.from('hello')]), 'notes.txt');
    const res = await fetch(opened.upload_url!, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    await bot.files.completeUploadExternal({ files: [{ id: opened.file_id! }], channel_id: OPS });
    expect(slack.messages().at(-1)).toMatchObject({
      via: 'files.completeUploadExternal',
      text: '',
      files: [{ name: 'notes.txt', title: 'notes.txt', mimetype: 'text/plain', size: 5 }],
    });
    expect(slack.messages().at(-1)).not.toHaveProperty('thread_ts');
  });

  it('keeps a file completed without a channel private: no message', async () => {
    const up = await openAndUpload(PNG);
    const res = await bot.files.completeUploadExternal({ files: [{ id: up.fileId, title: 'private' }] });
    expect(res.files?.[0]).toMatchObject({ id: up.fileId, title: 'private', channels: [] });
    expect(slack.messages()).toEqual([]);
  });

  it('refuses bad getUploadURLExternal arguments as Slack words them', async () => {
    expect(await slackError(() => bot.apiCall('files.getUploadURLExternal', { length: 10 }))).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] missing required field: filename'],
    });
    expect(await slackError(() => bot.apiCall('files.getUploadURLExternal', { filename: 'a.png' }))).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] missing required field: length'],
    });
    expect(
      await slackError(() => bot.apiCall('files.getUploadURLExternal', { filename: 'a.png', length: 'ten' })),
    ).toMatchObject({ error: 'invalid_arguments' });
    expect(await slackError(() => bot.files.getUploadURLExternal({ filename: 'a.png', length: 0 }))).toEqual({
      error: 'missing_argument',
    });
    expect(
      await slackError(() =>
        bot.files.getUploadURLExternal({ filename: 'a.png', length: 100 * 1024 * 1024 }),
      ),
    ).toEqual({ error: 'file_upload_size_restricted' });
    expect(
      await slackError(() =>
        bot.apiCall('files.getUploadURLExternal', {
          filename: 'a.png',
          length: 10,
          alt_txt: 'x'.repeat(1001),
        }),
      ),
    ).toEqual({ error: 'alt_txt_too_large' });
    expect(
      await slackError(() =>
        client(slack, 'xapp-sandbox-test-app').files.getUploadURLExternal({ filename: 'a.png', length: 1 }),
      ),
    ).toEqual({ error: 'not_allowed_token_type' });
  });

  it('refuses to complete unknown, missing, short, repeated or misdirected uploads', async () => {
    expect(await slackError(() => bot.apiCall('files.completeUploadExternal', { channel_id: OPS }))).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] missing required field: files'],
    });
    expect(
      await slackError(() =>
        bot.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }], channel_id: OPS }),
      ),
    ).toEqual({ error: 'file_not_found' });

    const never = await bot.files.getUploadURLExternal({ filename: 'a.png', length: PNG.byteLength });
    expect(
      await slackError(() =>
        bot.files.completeUploadExternal({ files: [{ id: never.file_id! }], channel_id: OPS }),
      ),
    ).toMatchObject({ error: 'file_not_found' });

    const short = await openAndUpload(PNG.subarray(0, 10), PNG.byteLength);
    expect(
      await slackError(() =>
        bot.files.completeUploadExternal({ files: [{ id: short.fileId }], channel_id: OPS }),
      ),
    ).toEqual({
      error: 'file_not_found',
      messages: [
        `[ERROR] 10 bytes were uploaded for ${short.fileId}, files.getUploadURLExternal announced ${PNG.byteLength}`,
      ],
    });

    const good = await openAndUpload(PNG);
    expect(
      await slackError(() =>
        bot.files.completeUploadExternal({ files: [{ id: good.fileId }], channel_id: 'C0NOPE' }),
      ),
    ).toEqual({ error: 'channel_not_found' });
    await bot.files.completeUploadExternal({ files: [{ id: good.fileId }], channel_id: OPS });
    expect(
      await slackError(() =>
        bot.files.completeUploadExternal({ files: [{ id: good.fileId }], channel_id: OPS }),
      ),
    ).toEqual({ error: 'file_not_found' });
    // The upload URL is spent once the file is shared; a URL the sandbox never issued is unknown.
    expect((await fetch(good.uploadUrl, { method: 'POST', body: PNG })).status).toBe(404);
    expect((await fetch(`${good.uploadUrl}x`, { method: 'POST', body: PNG })).status).toBe(404);
    expect(slack.messages().filter((m) => m.via === 'files.completeUploadExternal')).toHaveLength(1);
  });

  it('fails the upload step when the upload service is down (fault api slack:upload)', async () => {
    fx.faults.fail('slack:upload', { status: 503, count: 1 });
    const up = await openAndUpload(PNG);
    expect(up.status).toBe(503);
    expect(slack.files()[0]!.bytes).toBeUndefined();
  });
});

describe('users.info time zones', () => {
  it('gives each user their zone with its current name and offset', async () => {
    setClock(Date.UTC(2026, 6, 1, 12));
    const chicago = await bot.users.info({ user: 'U0OPER1' });
    expect(chicago.user).toMatchObject({
      tz: 'America/Chicago',
      tz_label: 'Central Daylight Time',
      tz_offset: -18000,
    });
    const london = await bot.users.info({ user: 'U0OPER2' });
    expect(london.user).toMatchObject({
      tz: 'Europe/London',
      tz_label: 'British Summer Time',
      tz_offset: 3600,
    });
    expect((await bot.users.info({ user: 'U0ADMIN' })).user).toMatchObject({ tz: 'UTC', tz_offset: 0 });

    setClock(Date.UTC(2026, 0, 15, 12));
    expect((await bot.users.info({ user: 'U0OPER1' })).user).toMatchObject({
      tz_label: 'Central Standard Time',
      tz_offset: -21600,
    });
    // A profile without a zone of its own: Slack still always sends one.
    expect((await bot.users.info({ user: 'U0VIEWER' })).user).toMatchObject({ tz: 'America/Chicago' });
  });
});
