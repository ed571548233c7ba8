import { validateBlocks } from '../block-kit/validate-blocks.js';
import type { SlackWorld } from '../slack-world.js';
import { type ApiArgs, optJson, optString } from './api-args.js';
import { SlackApiError } from './slack-api-error.js';

export type Blocks = Record<string, unknown>[];

export interface MessageContent {
  text?: string;
  blocks?: Blocks;
}

/** Reads and validates `text`/`blocks` like chat.postMessage does: bad blocks, then missing content. */
export function readMessageContent(args: ApiArgs): MessageContent {
  const blocks = readBlocks(
    args.blocks === undefined ? undefined : optJson(args, 'blocks', 'invalid_blocks_format'),
  );
  const text = optString(args, 'text');
  const hasAttachments =
    args.attachments !== undefined && args.attachments !== '' && args.attachments !== '[]';
  if (text === undefined && (blocks === undefined || blocks.length === 0) && !hasAttachments) {
    throw new SlackApiError('no_text');
  }
  return { ...(text !== undefined ? { text } : {}), ...(blocks !== undefined ? { blocks } : {}) };
}

/** Blocks given as a value: must be an array of valid blocks. */
export function readBlocks(value: unknown, error = 'invalid_blocks'): Blocks | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new SlackApiError('invalid_blocks_format');
  const problems = validateBlocks(value, 'message');
  if (problems.length > 0) throw new SlackApiError(error, problems);
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
