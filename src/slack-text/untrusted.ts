import { escapeMrkdwn, oneLine } from './escape-mrkdwn.js';

/** Lookalikes for the characters that format mrkdwn: the text reads the same but cannot style itself. */
const LOOKALIKES: Record<string, string> = { '`': 'ˋ', '*': '∗', _: 'ˍ', '~': '∼' };

/**
 * Untrusted prose (a reason someone typed, a message from Kubernetes or an API) as plain text in a
 * mrkdwn field: escaped, on one line, without bold/italics/strike/code, emoji codes or broadcasts.
 */
export function untrusted(text: string): string {
  return (
    oneLine(escapeMrkdwn(text))
      .replace(/[`*_~]/g, (c) => LOOKALIKES[c] ?? c)
      // `:emoji_code:` would render as an icon (a fake ✅); a ratio sign (U+2236) looks like the colon.
      .replace(/:(?=[a-z0-9+'-]+:)/gi, '∶')
      // A word joiner keeps `@here` readable but not a broadcast, should a client still link it.
      .replace(/@(here|channel|everyone)\b/gi, '@\u2060$1')
  );
}
