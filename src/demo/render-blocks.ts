/** A button found while rendering, numbered so the shell's `click N` can press it. */
export interface RenderedButton {
  number: number;
  actionId: string;
  value?: string;
  text: string;
  style?: string;
}

type Block = Record<string, unknown>;

/** How buttons get their numbers: consecutive from a first one, or from the shell's registry. */
export type ButtonNumbering = number | ((actionId: string, occurrence: number) => number);

/**
 * Block Kit as readable terminal text: headers underlined, sections and context as text with
 * Slack's mrkdwn simplified, buttons as `[N Approve]`. Unknown blocks are named, never dropped.
 */
export function renderBlocks(
  blocks: Block[],
  numbering: ButtonNumbering = 1,
  names: Record<string, string> = {},
): { text: string; buttons: RenderedButton[] } {
  const lines: string[] = [];
  const buttons: RenderedButton[] = [];
  const seen = new Map<string, number>();
  const numberOf = (actionId: string): number => {
    const occurrence = seen.get(actionId) ?? 0;
    seen.set(actionId, occurrence + 1);
    return typeof numbering === 'number' ? numbering + buttons.length : numbering(actionId, occurrence);
  };
  const textOf = (obj: unknown) => textOfElement(obj, names);
  const button = (el: Block) => renderButton(el, buttons, numberOf, names);
  for (const block of blocks) {
    switch (block.type) {
      case 'header': {
        const t = textOf(block.text);
        lines.push(t, '─'.repeat(Math.min(t.length, 60)));
        break;
      }
      case 'section': {
        if (block.text) lines.push(textOf(block.text));
        const fields = (block.fields as unknown[] | undefined) ?? [];
        for (const f of fields) lines.push(`  ${textOf(f)}`);
        const accessory = block.accessory as Block | undefined;
        if (accessory?.type === 'button') lines.push(`  ${button(accessory)}`);
        break;
      }
      case 'context':
        lines.push(((block.elements as unknown[]) ?? []).map((e) => textOf(e)).join('  ·  '));
        break;
      case 'divider':
        lines.push('────────');
        break;
      case 'actions': {
        const row = ((block.elements as Block[]) ?? [])
          .filter((e) => e.type === 'button')
          .map((e) => button(e));
        lines.push(row.join('  '));
        break;
      }
      default:
        lines.push(`[${String(block.type)} block]`);
    }
  }
  return { text: lines.join('\n'), buttons };
}

function renderButton(
  el: Block,
  buttons: RenderedButton[],
  numberOf: (actionId: string) => number,
  names: Record<string, string>,
): string {
  const number = numberOf(String(el.action_id ?? ''));
  const text = textOfElement(el.text, names);
  buttons.push({
    number,
    actionId: String(el.action_id ?? ''),
    text,
    ...(el.value !== undefined ? { value: String(el.value) } : {}),
    ...(el.style !== undefined ? { style: String(el.style) } : {}),
  });
  return `[${number} ${text}]`;
}

function textOfElement(obj: unknown, names: Record<string, string>): string {
  if (!obj || typeof obj !== 'object') return '';
  const t = obj as { type?: string; text?: string };
  if (t.type === 'image') return '[image]';
  return mrkdwnToPlain(String(t.text ?? ''), names);
}

/**
 * Slack mrkdwn → terminal: mentions shown by name where `names` knows the id (`@operator`, `#ops`),
 * links by label, emphasis marks dropped, emoji kept as :name:.
 */
export function mrkdwnToPlain(text: string, names: Record<string, string> = {}): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]+)>/g, (_m, fallback: string) => shortTime(fallback))
    .replace(
      /<#([A-Z0-9]+)(\|([^>]*))?>/g,
      (_m, id: string, _l, label?: string) => `#${label || (names[id] ?? id)}`,
    )
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, (_m, id: string) => {
      const name = names[id] ?? id;
      return name.startsWith('@') ? name : `@${name}`;
    })
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack shows dates in the reader's time zone; the terminal shows the fallback in UTC, to the minute. */
function shortTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
