import { fileType, pngDimensions, SANDBOX_MAX_FILE_BYTES, type StoredFile } from '../file-store.js';
import type { SlackWorld } from '../slack-world.js';
import { type ApiArgs, optJson, optString, requireString } from './api-args.js';
import { readBlocks } from './message-content.js';
import { SlackApiError } from './slack-api-error.js';

type Json = Record<string, unknown>;

/** Where the sandbox takes uploaded bytes: `<sandbox>/upload/v1/<token>`, like Slack's files.slack.com URLs. */
export const UPLOAD_PREFIX = '/upload/v1/';
/** Where a completed file can be read with the bot token, as Slack's `url_private`. */
export const FILES_PRIVATE_PREFIX = '/files-pri/';

/**
 * files.getUploadURLExternal: `filename` and `length` (bytes) are required; a length of 0 is
 * `missing_argument`, as Slack words it. Slack documents the screen-reader text as `alt_txt`;
 * WebClient's uploadV2 sends `alt_text`: both are taken.
 */
export function filesGetUploadURLExternal(world: SlackWorld, args: ApiArgs): Json {
  const filename = requireString(args, 'filename');
  const rawLength = requireString(args, 'length');
  if (!/^\d+$/.test(rawLength))
    throw new SlackApiError('invalid_arguments', ['[ERROR] must be an integer [json-pointer:/length]']);
  const length = Number(rawLength);
  if (length === 0) throw new SlackApiError('missing_argument');
  if (length > SANDBOX_MAX_FILE_BYTES) throw new SlackApiError('file_upload_size_restricted');
  const altText = optString(args, 'alt_txt') ?? optString(args, 'alt_text');
  if (altText !== undefined && altText.length > 1000) throw new SlackApiError('alt_txt_too_large');
  const file = world.files.open(filename, length, altText);
  return { ok: true, upload_url: `${world.baseUrl()}${UPLOAD_PREFIX}${file.uploadToken}`, file_id: file.id };
}

interface FileRef {
  id: string;
  title?: string;
}

function readFileRefs(args: ApiArgs): FileRef[] {
  const value = optJson(args, 'files', 'invalid_arguments');
  if (value === undefined)
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: files']);
  if (!Array.isArray(value) || value.length === 0)
    throw new SlackApiError('invalid_arguments', [
      '[ERROR] must provide at least 1 items [json-pointer:/files]',
    ]);
  return value.map((entry: unknown, i) => {
    const e = entry as { id?: unknown; title?: unknown } | null;
    if (typeof e?.id !== 'string' || e.id === '')
      throw new SlackApiError('invalid_arguments', [
        `[ERROR] missing required field: id [json-pointer:/files/${i}]`,
      ]);
    return typeof e.title === 'string' && e.title !== '' ? { id: e.id, title: e.title } : { id: e.id };
  });
}

/** `channel_id` (one channel id) or the older comma-separated `channels`; none leaves the file private. */
function readChannels(world: SlackWorld, args: ApiArgs): string[] {
  const channelId = optString(args, 'channel_id');
  const listed = channelId !== undefined ? [channelId] : (optString(args, 'channels')?.split(',') ?? []);
  return listed
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .map((c) => {
      const resolved = /^[CGDU][A-Z0-9]+$/.test(c) ? world.resolveChannel(c) : undefined;
      if (resolved === undefined) throw new SlackApiError('channel_not_found');
      return resolved;
    });
}

/** A file id that can still be completed: issued here, its bytes arrived, as many as announced. */
function uploadedFile(world: SlackWorld, id: string): StoredFile & { bytes: Uint8Array } {
  const file = world.files.get(id);
  // Slack: "Could not find the file from the upload ticket" — also what a second completion gets.
  if (!file || file.completed) throw new SlackApiError('file_not_found');
  if (!file.bytes) throw new SlackApiError('file_not_found', [`[ERROR] nothing was uploaded for ${id}`]);
  if (file.bytes.byteLength !== file.length)
    throw new SlackApiError('file_not_found', [
      `[ERROR] ${file.bytes.byteLength} bytes were uploaded for ${id}, files.getUploadURLExternal announced ${file.length}`,
    ]);
  return file as StoredFile & { bytes: Uint8Array };
}

/**
 * files.completeUploadExternal: shares uploaded files in a channel or thread, as one message whose
 * text is `initial_comment` (else `blocks`). Each file can be completed once.
 */
export function filesCompleteUploadExternal(world: SlackWorld, args: ApiArgs): Json {
  const refs = readFileRefs(args);
  const channels = readChannels(world, args);
  const threadTs = optString(args, 'thread_ts');
  if (threadTs !== undefined && channels.length > 1)
    throw new SlackApiError('invalid_arguments', ['[ERROR] thread_ts needs exactly one channel']);
  const initialComment = optString(args, 'initial_comment');
  // Slack ignores `blocks` when there is an initial_comment.
  const blocks =
    initialComment === undefined && args.blocks !== undefined
      ? readBlocks(optJson(args, 'blocks', 'invalid_blocks_format'))
      : undefined;
  if (new Set(refs.map((r) => r.id)).size !== refs.length) throw new SlackApiError('file_not_found');
  const files = refs.map((ref) => ({ ref, file: uploadedFile(world, ref.id) }));

  const shares: { channel: string; ts: string }[] = [];
  for (const { ref, file } of files)
    file.completed = {
      title: ref.title ?? file.name,
      channels,
      ...(threadTs !== undefined ? { threadTs } : {}),
    };
  for (const channel of channels) {
    const ts = world.store.nextTs();
    shares.push({ channel, ts });
    const shared = files.map(({ file }) => fileObject(world, file));
    const text = initialComment ?? '';
    world.store.setLive({
      channel,
      ts,
      text,
      ...(blocks !== undefined ? { blocks } : {}),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      byBot: true,
      files: shared,
    });
    world.store.record({
      via: 'files.completeUploadExternal',
      channel,
      ts,
      text,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
      files: files.map(({ file }) => ({
        id: file.id,
        name: file.name,
        title: file.completed?.title ?? file.name,
        mimetype: fileType(file.name).mimetype,
        size: file.bytes.byteLength,
        ...(file.altText !== undefined ? { alt_txt: file.altText } : {}),
      })),
    });
  }
  for (const { file } of files) if (file.completed && shares[0]) file.completed.ts = shares[0].ts;
  return { ok: true, files: files.map(({ file }) => fileObject(world, file)) };
}

/** A file object as Slack returns it (the fields a client reads; Slack sends more). */
export function fileObject(world: SlackWorld, file: StoredFile): Json {
  const { teamId, botUserId, teamDomain } = world.identity;
  const type = fileType(file.name);
  const created = Math.floor(file.createdAt / 1000);
  const size = file.bytes?.byteLength ?? file.length;
  const dims = file.bytes ? pngDimensions(file.bytes) : undefined;
  const channels = file.completed?.channels ?? [];
  const path = `${teamId}-${file.id}/${encodeURIComponent(file.name)}`;
  return {
    id: file.id,
    created,
    timestamp: created,
    name: file.name,
    title: file.completed?.title ?? file.name,
    mimetype: type.mimetype,
    filetype: type.filetype,
    pretty_type: type.pretty,
    user: botUserId,
    user_team: teamId,
    editable: false,
    size,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: channels.some((c) => c.startsWith('C')),
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: `${world.baseUrl()}${FILES_PRIVATE_PREFIX}${path}`,
    url_private_download: `${world.baseUrl()}${FILES_PRIVATE_PREFIX}${teamId}-${file.id}/download/${encodeURIComponent(file.name)}`,
    permalink: `https://${teamDomain}.slack.com/files/${botUserId}/${file.id}/${encodeURIComponent(file.name)}`,
    ...(file.altText !== undefined ? { alt_txt: file.altText } : {}),
    ...(dims ? { original_w: dims.width, original_h: dims.height } : {}),
    channels: channels.filter((c) => c.startsWith('C')),
    groups: channels.filter((c) => c.startsWith('G')),
    ims: channels.filter((c) => c.startsWith('D')),
    comments_count: 0,
    has_rich_preview: false,
    file_access: 'visible',
  };
}
