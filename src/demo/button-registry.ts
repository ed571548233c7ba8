import type { RecordedMessage } from '../sandbox/slack/recorded-message.js';

/** A button the shell can press: its stable number and the message version it is on now. */
export interface LiveButton {
  number: number;
  actionId: string;
  text: string;
  value?: string;
  message: RecordedMessage;
}

/**
 * Numbers buttons once for the whole session: a button keeps its number when its message is
 * edited, and a button whose message was edited without it (a decided plan) or deleted is no
 * longer live. Messages are identified as Slack does: channel + ts, or the view's id.
 */
export class ButtonRegistry {
  private numbers = new Map<string, number>();
  private next = 1;
  private live = new Map<string, LiveButton[]>();

  /** The number of a button on `message` (a new one the first time this button is seen). */
  numberFor(message: RecordedMessage, actionId: string, occurrence = 0): number {
    const key = `${messageKey(message)}#${actionId}#${occurrence}`;
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.next++;
      this.numbers.set(key, n);
    }
    return n;
  }

  /** Records the buttons `message` carries now (none: its earlier buttons are gone). */
  update(message: RecordedMessage, buttons: Omit<LiveButton, 'message'>[]): void {
    const key = messageKey(message);
    if (message.delete_original || buttons.length === 0) this.live.delete(key);
    else
      this.live.set(
        key,
        buttons.map((b) => ({ ...b, message })),
      );
  }

  get(number: number): LiveButton | undefined {
    return this.list().find((b) => b.number === number);
  }

  /** Was `number` ever handed out (so "gone" can be told apart from "never existed")? */
  wasShown(number: number): boolean {
    return number >= 1 && number < this.next;
  }

  list(): LiveButton[] {
    return [...this.live.values()].flat().sort((a, b) => a.number - b.number);
  }
}

function messageKey(m: RecordedMessage): string {
  const viewId = typeof m.view?.id === 'string' ? m.view.id : undefined;
  return viewId ? `view:${viewId}` : `${m.channel}/${m.ts}`;
}
