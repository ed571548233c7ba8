import type { Blocks } from '../ports/chat.js';

/**
 * Slack's size limits for one message, with some margin where Slack's own figure is fuzzy: 50 blocks;
 * a section's text 3,000 characters; all the text in the blocks together about 13,200 (past that,
 * `msg_blocks_too_long`, bolt-js#2509); `text` 40,000 (chat.postMessage cuts it, chat.update and
 * chat.postEphemeral refuse it with `msg_too_long`).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  blocksText: 12_000,
  text: 40_000,
} as const;

/** Room kept in each part for a one-line notice (continued in the thread, cut short…). */
const NOTICE_ROOM = { blocks: 1, chars: 300 };
const FENCE = '```';

export interface MessagePart {
  text: string;
  blocks?: Blocks;
}

/** Characters as Slack counts them (code points). */
const length = (text: string) => [...text].length;

/** Every `text` string in the blocks' text objects, added up (what Slack's total counts). */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + blocksTextLength(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce(
    (sum, [key, v]) => sum + (key === 'text' && typeof v === 'string' ? length(v) : blocksTextLength(v)),
    0,
  );
}

/** Cuts `text` to at most `max` characters, marking the cut. */
export function clampText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * `text` in pieces of at most `max` characters, cut between lines where it can be; a code block
 * (```) open at a cut is closed there and opened again in the next piece, so each piece renders.
 */
export function chunkText(text: string, max: number): string[] {
  if (length(text) <= max) return [text];
  const room = max - (FENCE.length + 1) * 2;
  const lines = text.split('\n').flatMap((line) => {
    const chars = [...line];
    if (chars.length <= room) return [line];
    const pieces: string[] = [];
    for (let i = 0; i < chars.length; i += room) pieces.push(chars.slice(i, i + room).join(''));
    return pieces;
  });
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  let inFence = false;
  let openedInFence = false;
  const flush = () => {
    const body = current.join('\n');
    chunks.push(`${openedInFence ? `${FENCE}\n` : ''}${body}${inFence ? `\n${FENCE}` : ''}`);
    openedInFence = inFence;
    current = [];
    size = 0;
  };
  for (const line of lines) {
    if (current.length > 0 && size + 1 + length(line) > room) flush();
    size += length(line) + (current.length > 0 ? 1 : 0);
    current.push(line);
    if ((line.split(FENCE).length - 1) % 2 === 1) inFence = !inFence;
  }
  if (current.length > 0) flush();
  return chunks;
}

type Block = Record<string, unknown>;

/** A section whose text is over 3,000 characters, as several sections in a row (accessory and fields on the first). */
function splitSection(block: Block): Block[] {
  const text = block.text as { type?: string; text?: unknown } | undefined;
  if (
    block.type !== 'section' ||
    typeof text?.text !== 'string' ||
    length(text.text) <= SLACK_LIMITS.sectionText
  )
    return [block];
  return chunkText(text.text, SLACK_LIMITS.sectionText).map((piece, i) => {
    if (i === 0) return { ...block, text: { ...text, text: piece } };
    return { type: 'section', text: { ...text, text: piece } };
  });
}

/**
 * The trailing buttons of a message (actions blocks, with any context around them, at its end): they
 * stay on the first part, the message the bot edits later and whose clicks it accepts.
 */
function trailingActions(blocks: Block[]): number {
  let start = blocks.length;
  while (start > 0 && (blocks[start - 1]!.type === 'actions' || blocks[start - 1]!.type === 'context'))
    start--;
  return blocks.slice(start).some((b) => b.type === 'actions') ? start : blocks.length;
}

/**
 * Splits a message into parts that each fit Slack's limits, in reading order; one part when it fits
 * already. Each part keeps room for a one-line notice. The first part keeps the message's own `text`
 * (cut to what Slack takes) and its trailing buttons; the others get a short "(continued)" text.
 */
export function splitMessage(message: MessagePart): MessagePart[] {
  const text = clampText(message.text, SLACK_LIMITS.text);
  if (!message.blocks || message.blocks.length === 0) {
    const chunks = chunkText(message.text, SLACK_LIMITS.text - NOTICE_ROOM.chars);
    return chunks.map((chunk) => ({ text: chunk }));
  }
  const blocks = (message.blocks as Block[]).flatMap(splitSection);
  const fits =
    blocks.length === message.blocks.length &&
    blocks.length <= SLACK_LIMITS.blocks &&
    blocksTextLength(blocks) <= SLACK_LIMITS.blocksText;
  if (fits) return [{ text, blocks: message.blocks }];

  const cut = trailingActions(blocks);
  const body = blocks.slice(0, cut);
  const tail = blocks.slice(cut);
  const groups: Block[][] = [];
  let current: Block[] = [];
  let chars = 0;
  const capacity = () => ({
    blocks: SLACK_LIMITS.blocks - NOTICE_ROOM.blocks - (groups.length === 0 ? tail.length : 0),
    chars: SLACK_LIMITS.blocksText - NOTICE_ROOM.chars - (groups.length === 0 ? blocksTextLength(tail) : 0),
  });
  for (const block of body) {
    const size = blocksTextLength(block);
    const room = capacity();
    if (current.length > 0 && (current.length + 1 > room.blocks || chars + size > room.chars)) {
      groups.push(current);
      current = [];
      chars = 0;
    }
    current.push(block);
    chars += size;
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  const heading = clampText(message.text.split('\n')[0] ?? '', 150);
  return groups.map((group, i) =>
    i === 0
      ? { text, blocks: [...group, ...tail] }
      : { text: `${heading} (continued, ${i + 1}/${groups.length})`, blocks: group },
  );
}

/** A part with a one-line notice at its end: a context block, or a last paragraph for plain text. */
export function withNotice(part: MessagePart, notice: string): MessagePart {
  if (!part.blocks || part.blocks.length === 0) return { text: `${part.text}\n\n_${notice}_` };
  return {
    ...part,
    blocks: [...part.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: notice }] }],
  };
}

/** A message as plain text, for a file: headers, sections, fields and context lines; buttons left out. */
export function messageAsText(message: MessagePart): string {
  if (!message.blocks || message.blocks.length === 0) return message.text;
  const textOf = (value: unknown) =>
    typeof (value as { text?: unknown })?.text === 'string'
      ? ((value as { text: string }).text as string)
      : '';
  const lines: string[] = [];
  for (const block of message.blocks) {
    switch (block.type) {
      case 'header':
      case 'section':
      case 'markdown': {
        const own = typeof block.text === 'string' ? block.text : textOf(block.text);
        if (own) lines.push(own);
        for (const field of (block.fields as unknown[] | undefined) ?? []) lines.push(textOf(field));
        break;
      }
      case 'context':
        lines.push(((block.elements as unknown[] | undefined) ?? []).map(textOf).filter(Boolean).join(' · '));
        break;
      case 'divider':
        lines.push('---');
        break;
      case 'image':
        lines.push(`[image: ${String(block.alt_text ?? '')}]`);
        break;
      default:
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}
