import type { RecordedFile, RecordedMessage } from '../sandbox/slack/recorded-message.js';
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
  // The shell cannot fill in a form: it says one opened and what it asks for.
  if (m.view?.type === 'modal') {
    const verb = m.via === 'views.update' ? 'updated' : 'opened';
    return {
      text: `  ┌ opsbot ${verb} a modal for ${who(m.user)}\n  │ ${describeModal(m.view)}`,
      buttons: [],
    };
  }
  const verb = m.via === 'chat.update' || m.replace_original ? 'edited' : 'posted';
  const blocks = m.blocks ?? (m.view?.blocks as Record<string, unknown>[] | undefined) ?? undefined;
  const body = blocks?.length
    ? renderBlocks(blocks, numbering, names)
    : { text: mrkdwnToPlain(m.text, names), buttons: [] };
  // A file share: its comment (if any), then one line per file.
  const lines = [...(body.text || !m.files?.length ? [body.text] : []), ...(m.files ?? []).map(describeFile)];
  const indented = lines
    .join('\n')
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
  return {
    text: `  ┌ opsbot ${verb} in ${where}\n${indented}`,
    buttons: body.buttons.map((b) => ({ ...b, message: m })),
  };
}

/** `[file: workshop-chart.png — "Queue wait" (12 KB)]`: what Slack shows as the file's card. */
export function describeFile(f: Pick<RecordedFile, 'name' | 'title' | 'size'>): string {
  const size =
    f.size < 1024
      ? `${f.size} B`
      : f.size < 1024 * 1024
        ? `${Math.round(f.size / 1024)} KB`
        : `${(f.size / (1024 * 1024)).toFixed(1)} MB`;
  return `[file: ${f.name} — "${f.title}" (${size})]`;
}

/** `[modal: Prepare a workshop — fields: Users, Start, Name (optional)]`: a form as one line. */
export function describeModal(view: Record<string, unknown>): string {
  const title = (view.title as { text?: unknown } | undefined)?.text;
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Record<string, unknown>[]) : [];
  const fields = blocks
    .filter((b) => b.type === 'input')
    .map((b) => {
      const label = String((b.label as { text?: unknown } | undefined)?.text ?? b.block_id ?? '?');
      return b.optional === true ? `${label} (optional)` : label;
    });
  return `[modal: ${String(title ?? '')}${fields.length ? ` — fields: ${fields.join(', ')}` : ''}]`;
}
