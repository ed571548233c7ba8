import type { SlackWorld } from '../slack-world.js';
import { type ApiArgs, optString, requireString } from './api-args.js';
import { botMessage, readMessageContent, truncationWarning } from './message-content.js';
import { SlackApiError } from './slack-api-error.js';

type Json = Record<string, unknown>;

function resolveChannel(world: SlackWorld, args: ApiArgs): string {
  const value = optString(args, 'channel');
  const channel = value === undefined ? undefined : world.resolveChannel(value);
  if (channel === undefined) throw new SlackApiError('channel_not_found');
  return channel;
}

/** `metadata` as Slack takes it: an object (or its JSON) with a string `event_type` and an object payload. */
function readMetadata(args: ApiArgs): Record<string, unknown> | undefined {
  const raw = (args as Record<string, unknown>).metadata;
  if (raw === undefined) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SlackApiError('invalid_metadata_format');
    }
  }
  const m = value as { event_type?: unknown; event_payload?: unknown };
  if (typeof m?.event_type !== 'string' || typeof m.event_payload !== 'object' || m.event_payload === null)
    throw new SlackApiError('invalid_metadata_schema');
  return { event_type: m.event_type, event_payload: m.event_payload };
}

export function chatPostMessage(world: SlackWorld, args: ApiArgs): Json {
  const channel = resolveChannel(world, args);
  const content = readMessageContent(args);
  const threadTs = optString(args, 'thread_ts');
  const ts = world.store.nextTs();
  const text = content.text ?? '';
  const metadata = readMetadata(args);
  world.store.setLive({
    channel,
    ts,
    text,
    blocks: content.blocks,
    thread_ts: threadTs,
    byBot: true,
    ...(metadata ? { metadata } : {}),
  });
  world.store.record({
    via: 'chat.postMessage',
    channel,
    ts,
    text,
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    ...(content.blocks !== undefined ? { blocks: content.blocks } : {}),
  });
  return {
    ok: true,
    channel,
    ts,
    message: botMessage(world, { text, ts, blocks: content.blocks, thread_ts: threadTs }),
    ...truncationWarning(content),
  };
}

export function chatUpdate(world: SlackWorld, args: ApiArgs): Json {
  const channel = resolveChannel(world, args);
  const ts = requireString(args, 'ts');
  const live = world.store.getLive(channel, ts);
  if (!live) throw new SlackApiError('message_not_found');
  if (!live.byBot) throw new SlackApiError('cant_update_message');
  const content = readMessageContent(args, 'msg_too_long');
  // Slack's chat.update is rate limited per channel (Tier 3); checked after validation, as Slack counts calls.
  const retryAfter = world.updateLimiter.take(channel);
  if (retryAfter !== undefined) throw new SlackApiError('ratelimited', [], retryAfter);
  // Omitted blocks keep the previous ones; an empty array removes them (Slack's documented behaviour).
  const blocks =
    content.blocks === undefined ? live.blocks : content.blocks.length ? content.blocks : undefined;
  const text = content.text ?? live.text;
  world.store.setLive({ ...live, text, blocks });
  world.store.record({
    via: 'chat.update',
    channel,
    ts,
    text,
    ...(live.thread_ts !== undefined ? { thread_ts: live.thread_ts } : {}),
    ...(blocks !== undefined ? { blocks } : {}),
  });
  return { ok: true, channel, ts, text, message: botMessage(world, { text, ts, blocks }) };
}

export function chatPostEphemeral(world: SlackWorld, args: ApiArgs): Json {
  const channel = resolveChannel(world, args);
  const user = optString(args, 'user');
  if (user === undefined || !world.user(user)) throw new SlackApiError('user_not_found');
  const content = readMessageContent(args, 'msg_too_long');
  const threadTs = optString(args, 'thread_ts');
  const ts = world.store.nextTs();
  world.store.record({
    via: 'chat.postEphemeral',
    channel,
    user,
    ts,
    text: content.text ?? '',
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    ...(content.blocks !== undefined ? { blocks: content.blocks } : {}),
  });
  return { ok: true, message_ts: ts };
}
