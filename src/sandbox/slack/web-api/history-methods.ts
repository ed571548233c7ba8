import type { LiveMessage } from '../message-store.js';
import type { SlackWorld } from '../slack-world.js';
import { type ApiArgs, optBoolean, optString, requireString } from './api-args.js';
import { botMessage } from './message-content.js';
import { SlackApiError } from './slack-api-error.js';

type Json = Record<string, unknown>;

function channelOf(world: SlackWorld, args: ApiArgs): string {
  const value = optString(args, 'channel');
  const channel = value === undefined ? undefined : world.resolveChannel(value);
  if (channel === undefined) throw new SlackApiError('channel_not_found');
  return channel;
}

function limitOf(args: ApiArgs): number {
  const limit = Number(optString(args, 'limit') ?? 100);
  return Number.isFinite(limit) && limit > 0 ? Math.min(limit, 999) : 100;
}

/** As Slack renders a message in history reads; metadata only with `include_all_metadata`. */
function render(world: SlackWorld, m: LiveMessage, withMetadata: boolean): Json {
  return {
    ...botMessage(world, {
      text: m.text,
      ts: m.ts,
      blocks: m.blocks,
      thread_ts: m.thread_ts,
      files: m.files,
    }),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

/** conversations.history: the channel's top-level messages, newest first (thread replies stay in threads). */
export function conversationsHistory(world: SlackWorld, args: ApiArgs): Json {
  const channel = channelOf(world, args);
  const withMetadata = optBoolean(args, 'include_all_metadata') === true;
  const top = world.store.liveIn(channel).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
  const limit = limitOf(args);
  return {
    ok: true,
    messages: top.slice(0, limit).map((m) => render(world, m, withMetadata)),
    has_more: top.length > limit,
  };
}

/** conversations.replies: the parent then its replies, oldest first, as Slack returns them. */
export function conversationsReplies(world: SlackWorld, args: ApiArgs): Json {
  const channel = channelOf(world, args);
  const ts = requireString(args, 'ts');
  const parent = world.store.getLive(channel, ts);
  if (!parent) throw new SlackApiError('thread_not_found');
  const withMetadata = optBoolean(args, 'include_all_metadata') === true;
  const replies = world.store
    .liveIn(channel)
    .filter((m) => m.thread_ts === ts && m.ts !== ts)
    .reverse();
  const limit = limitOf(args);
  const messages = [parent, ...replies].slice(0, limit);
  return {
    ok: true,
    messages: messages.map((m) => render(world, m, withMetadata)),
    has_more: replies.length + 1 > limit,
  };
}
