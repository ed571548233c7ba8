import { describe, expect, it } from 'vitest';
import { ButtonRegistry } from '../../src/demo/button-registry.js';
import { formatMessage } from '../../src/demo/format-message.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';

let seq = 0;
const message = (ts: string, buttons: string[], extra: Partial<RecordedMessage> = {}): RecordedMessage => ({
  seq: ++seq,
  via: 'chat.postMessage',
  channel: 'C1',
  ts,
  text: `message ${ts}`,
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: `message ${ts} for <@U1>` } },
    ...(buttons.length
      ? [
          {
            type: 'actions',
            elements: buttons.map((b) => ({
              type: 'button',
              action_id: b,
              text: { type: 'plain_text', text: b },
            })),
          },
        ]
      : []),
  ],
  ...extra,
});

/** What the shell does with each message: render it with the registry's numbers, then record its buttons. */
function show(registry: ButtonRegistry, m: RecordedMessage): string {
  const out = formatMessage(m, { U1: '@operator' }, (actionId, n) => registry.numberFor(m, actionId, n));
  registry.update(m, out.buttons);
  return out.text;
}

describe('ButtonRegistry (the demo shell’s button numbers)', () => {
  it('keeps a button’s number for the whole session, through edits and other messages', () => {
    const registry = new ButtonRegistry();
    expect(show(registry, message('1.1', ['approve', 'cancel']))).toContain('[1 approve]  [2 cancel]');
    expect(show(registry, message('1.2', ['undo']))).toContain('[3 undo]');
    // The plan message edited (e.g. "applying…") but still carrying its buttons: same numbers.
    expect(show(registry, message('1.1', ['approve', 'cancel'], { via: 'chat.update' }))).toContain(
      '[1 approve]  [2 cancel]',
    );
    expect(show(registry, message('1.3', ['approve']))).toContain('[4 approve]');
    expect(registry.list().map((b) => b.number)).toEqual([1, 2, 3, 4]);
  });

  it('lists only live buttons: a decided plan’s buttons and deleted messages drop out', () => {
    const registry = new ButtonRegistry();
    show(registry, message('2.1', ['approve', 'cancel']));
    show(registry, message('2.2', ['undo']));
    show(registry, message('2.1', [], { via: 'chat.update' })); // approved: the buttons are gone
    expect(registry.list().map((b) => `${b.number} ${b.text}`)).toEqual(['3 undo']);
    expect(registry.get(1)).toBeUndefined();
    expect(registry.wasShown(1)).toBe(true);
    expect(registry.wasShown(9)).toBe(false);
    show(registry, message('2.2', [], { via: 'response_url', delete_original: true }));
    expect(registry.list()).toEqual([]);
  });

  it('presses the latest version of a message and names mentioned users', () => {
    const registry = new ButtonRegistry();
    expect(show(registry, message('3.1', ['approve']))).toContain('message 3.1 for @operator');
    const edited = message('3.1', ['approve'], { via: 'chat.update', text: 'edited' });
    show(registry, edited);
    expect(registry.get(1)?.message.text).toBe('edited');
  });
});
