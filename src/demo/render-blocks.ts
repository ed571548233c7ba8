/** A button found while rendering, numbered so the shell's `click N` can press it. */
export interface RenderedButton {
  number: number;
  actionId: string;
  value?: string;
  text: string;
  style?: string;
}

type Block = Record<string, unknown>;

/**
 * Block Kit as readable terminal text: headers underlined, sections and context as text with
 * Slack's mrkdwn simplified, buttons as `[N Approve]`. Unknown blocks are named, never dropped.
 */
export function renderBlocks(blocks: Block[], firstButton = 1): { text: string; buttons: RenderedButton[] } {
  const lines: string[] = [];
  const buttons: RenderedButton[] = [];
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
        if (accessory?.type === 'button') lines.push(`  ${button(accessory, buttons, firstButton)}`);
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
          .map((e) => button(e, buttons, firstButton));
        lines.push(row.join('  '));
        break;
      }
      default:
        lines.push(`[${String(block.type)} block]`);
    }
  }
  return { text: lines.join('\n'), buttons };
}

function button(el: Block, buttons: RenderedButton[], first: number): string {
  const number = first + buttons.length;
  const text = textOf(el.text);
  buttons.push({
    number,
    actionId: String(el.action_id ?? ''),
    text,
    ...(el.value !== undefined ? { value: String(el.value) } : {}),
    ...(el.style !== undefined ? { style: String(el.style) } : {}),
  });
  return `[${number} ${text}]`;
}

function textOf(obj: unknown): string {
  if (!obj || typeof obj !== 'object') return '';
  const t = obj as { type?: string; text?: string };
  if (t.type === 'image') return '[image]';
  return mrkdwnToPlain(String(t.text ?? ''));
}

/** Slack mrkdwn → terminal: links and mentions shown by id/label, emphasis marks dropped, emoji kept as :name:. */
export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]+)>/g, (_m, fallback: string) => shortTime(fallback))
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
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
