import { validateBlocks } from '../block-kit/validate-blocks.js';
import type { SlackWorld } from '../slack-world.js';
import { type ApiArgs, optJson, optString } from './api-args.js';
import { SlackApiError } from './slack-api-error.js';

export type Blocks = Record<string, unknown>[];

/** Slack keeps the first 40,000 characters of a message's `text` (chat.postMessage's "Truncating content"). */
export const MAX_TEXT_CHARS = 40_000;
/**
 * All the text in one message's blocks together: past about 13,200 characters Slack refuses the
 * message with `msg_blocks_too_long`, though every block is within its own limit (bolt-js#2509).
 */
export const MAX_BLOCKS_TEXT_CHARS = 13_200;

export interface MessageContent {
  text?: string;
  blocks?: Blocks;
  /** Set when `text` was cut to MAX_TEXT_CHARS: the answer then carries Slack's `message_truncated` warning. */
  truncated?: true;
}

/** Characters as Slack counts them: code points, not UTF-16 units. */
const length = (text: string) => [...text].length;

/** Every `text` string of the blocks' text objects, added up. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + blocksTextLength(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce(
    (sum, [key, v]) => sum + (key === 'text' && typeof v === 'string' ? length(v) : blocksTextLength(v)),
    0,
  );
}

/**
 * Reads and validates `text`/`blocks` like chat.postMessage does: bad blocks, then missing content,
 * then the size limits. `overlongText` says what a `text` over 40,000 characters gets: chat.postMessage
 * keeps its first 40,000 (`truncate`), the methods that edit or whisper refuse it (`msg_too_long`).
 */
export function readMessageContent(
  args: ApiArgs,
  overlongText: 'truncate' | 'msg_too_long' = 'truncate',
): MessageContent {
  const blocks = readBlocks(
    args.blocks === undefined ? undefined : optJson(args, 'blocks', 'invalid_blocks_format'),
  );
  let text = optString(args, 'text');
  const hasAttachments =
    args.attachments !== undefined && args.attachments !== '' && args.attachments !== '[]';
  if (text === undefined && (blocks === undefined || blocks.length === 0) && !hasAttachments) {
    throw new SlackApiError('no_text');
  }
  let truncated = false;
  if (text !== undefined && length(text) > MAX_TEXT_CHARS) {
    if (overlongText === 'msg_too_long') throw new SlackApiError('msg_too_long');
    text = [...text].slice(0, MAX_TEXT_CHARS).join('');
    truncated = true;
  }
  return {
    ...(text !== undefined ? { text } : {}),
    ...(blocks !== undefined ? { blocks } : {}),
    ...(truncated ? { truncated: true as const } : {}),
  };
}

/** The `warning` and `response_metadata.warnings` Slack adds to an answer whose text it truncated. */
export function truncationWarning(content: MessageContent): Record<string, unknown> {
  return content.truncated
    ? { warning: 'message_truncated', response_metadata: { warnings: ['message_truncated'] } }
    : {};
}

/**
 * Blocks given as a value: an array of valid blocks (else `invalid_blocks` with Slack's reasons),
 * whose text all together stays within MAX_BLOCKS_TEXT_CHARS (else `msg_blocks_too_long`).
 */
export function readBlocks(value: unknown, error = 'invalid_blocks'): Blocks | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new SlackApiError('invalid_blocks_format');
  const problems = validateBlocks(value, 'message');
  if (problems.length > 0) throw new SlackApiError(error, problems);
  if (blocksTextLength(value) > MAX_BLOCKS_TEXT_CHARS) throw new SlackApiError('msg_blocks_too_long');
  return value as Blocks;
}

/** The `message` object Slack returns for a bot post. */
export function botMessage(
  world: SlackWorld,
  m: {
    text: string;
    ts: string;
    blocks?: Blocks | undefined;
    thread_ts?: string | undefined;
    files?: Record<string, unknown>[] | undefined;
  },
): Record<string, unknown> {
  const { botUserId, botId, appId, teamId } = world.identity;
  return {
    user: botUserId,
    type: 'message',
    ts: m.ts,
    bot_id: botId,
    app_id: appId,
    text: m.text,
    team: teamId,
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    // A file share: Slack marks it as an upload shown under the bot user, not as a bot message.
    ...(m.files !== undefined ? { files: m.files, upload: true, display_as_bot: false } : {}),
    bot_profile: { id: botId, app_id: appId, name: 'opsbot', deleted: false, team_id: teamId },
  };
}
