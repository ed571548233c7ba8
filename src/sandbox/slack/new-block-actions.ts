import type { RecordedMessage } from './recorded-message.js';
import type { SlackWorld } from './slack-world.js';
import { botMessage } from './web-api/message-content.js';

type Json = Record<string, unknown>;

export interface BlockActionsArgs {
  message: RecordedMessage;
  actionId: string;
  userId: string;
  value?: string;
  /** `value`: press the element whose value is `value` (several buttons may share an action_id). */
  pick?: 'value';
}

/** Finds an interactive element by action_id in actions blocks, section accessories and input blocks. */
function findElement(
  blocks: Json[],
  actionId: string,
  value?: string,
): { blockId: string; element: Json } | undefined {
  for (const [i, block] of blocks.entries()) {
    const candidates = [
      ...(Array.isArray(block.elements) ? (block.elements as Json[]) : []),
      ...(block.accessory ? [block.accessory as Json] : []),
      ...(block.element ? [block.element as Json] : []),
    ];
    const element = candidates.find(
      (e) => e?.action_id === actionId && (value === undefined || e.value === value),
    );
    // Slack gives blocks posted without a block_id a generated one; ours is stable per position.
    if (element) return { blockId: typeof block.block_id === 'string' ? block.block_id : `b${i}`, element };
  }
  return undefined;
}

function container(message: RecordedMessage): Json {
  if (message.view) return { type: 'view', view_id: message.view.id };
  const ephemeral =
    message.via === 'chat.postEphemeral' ||
    (message.via === 'response_url' && message.response_type !== 'in_channel');
  return { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: ephemeral };
}

/** A standard `block_actions` payload for pressing a button (or picking an option) in a recorded message. */
export function newBlockActions(world: SlackWorld, args: BlockActionsArgs): Json {
  const { message, actionId, userId } = args;
  const blocks = (message.view?.blocks as Json[] | undefined) ?? message.blocks ?? [];
  const found = findElement(blocks, actionId, args.pick === 'value' ? args.value : undefined);
  if (!found) throw new Error(`message #${message.seq} has no element with action_id ${actionId}`);
  const { blockId, element } = found;
  const { teamId, teamDomain, appId, verificationToken } = world.identity;
  const user = world.user(userId);
  const value = args.value ?? (typeof element.value === 'string' ? element.value : undefined);
  const action: Json = {
    action_id: actionId,
    block_id: blockId,
    type: element.type,
    action_ts: world.store.nextTs(),
    ...(element.text !== undefined ? { text: element.text } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(element.style !== undefined ? { style: element.style } : {}),
  };
  const box = container(message);
  const base: Json = {
    type: 'block_actions',
    user: { id: userId, username: user?.name ?? userId, name: user?.name ?? userId, team_id: teamId },
    api_app_id: appId,
    token: verificationToken,
    container: box,
    trigger_id: world.triggers.issue(userId),
    team: { id: teamId, domain: teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [action],
  };
  if (message.view) return { ...base, view: message.view };
  const channel = world.channel(message.channel);
  return {
    ...base,
    channel: { id: message.channel, name: channel?.name ?? 'directmessage' },
    // Slack sends the message itself only for messages that persist in the channel.
    ...(box.is_ephemeral
      ? {}
      : {
          message: botMessage(world, {
            text: message.text,
            ts: message.ts,
            blocks: message.blocks,
            thread_ts: message.thread_ts,
          }),
        }),
    response_url: world.responseUrls.issue(teamId, {
      channel: message.channel,
      user: userId,
      messageTs: message.ts,
    }),
  };
}
