import type { RecordedMessage } from '../sandbox/slack/recorded-message.js';
import { type ButtonNumbering, mrkdwnToPlain, type RenderedButton, renderBlocks } from './render-blocks.js';

/** One recorded Slack message as terminal text, its buttons numbered by `numbering`. */
export function formatMessage(
  m: RecordedMessage,
  names: Record<string, string>,
  numbering: ButtonNumbering,
): { text: string; buttons: (RenderedButton & { message: RecordedMessage })[] } {
  const who = (id: string | undefined) => (id ? (names[id] ?? id) : '');
  const where =
    m.via === 'chat.postEphemeral' || m.response_type === 'ephemeral'
      ? `#${who(m.channel)} (only ${who(m.user)} sees this)`
      : m.via.startsWith('views.')
        ? `${m.via} for ${who(m.user ?? m.channel)}`
        : `#${who(m.channel)}${m.thread_ts ? ' (in thread)' : ''}`;
  if (m.delete_original) return { text: `  ┌ opsbot deleted a message in ${where}`, buttons: [] };
  const verb = m.via === 'chat.update' || m.replace_original ? 'edited' : 'posted';
  const blocks = m.blocks ?? (m.view?.blocks as Record<string, unknown>[] | undefined) ?? undefined;
  const body = blocks?.length
    ? renderBlocks(blocks, numbering, names)
    : { text: mrkdwnToPlain(m.text, names), buttons: [] };
  const indented = body.text
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
  return {
    text: `  ┌ opsbot ${verb} in ${where}\n${indented}`,
    buttons: body.buttons.map((b) => ({ ...b, message: m })),
  };
}
