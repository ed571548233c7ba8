import { UsageError } from './usage-error.js';

export interface Tokens {
  positionals: string[];
  flags: Record<string, string | true>;
}

// Slack clients turn straight quotes into typographic ones; accept both.
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019' };

/** Splits slash-command text into positionals and `--flag[=value]` / `--flag value` pairs. */
export function tokenize(text: string, valueFlags: ReadonlySet<string>): Tokens {
  const words = splitWords(text);
  const tokens: Tokens = { positionals: [], flags: {} };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.quoted && /^(--|\u2014)[a-z]/i.test(word.text)) {
      const body = word.text.replace(/^(--|\u2014)/, '');
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      if (eq !== -1) tokens.flags[name] = body.slice(eq + 1);
      else if (valueFlags.has(name)) {
        const next = words[i + 1];
        if (next === undefined) throw new UsageError(`--${name} needs a value`);
        tokens.flags[name] = next.text;
        i++;
      } else tokens.flags[name] = true;
    } else tokens.positionals.push(word.text);
  }
  return tokens;
}

function splitWords(text: string): { text: string; quoted: boolean }[] {
  const words: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      const end = text.indexOf(close, i + 1);
      if (end === -1) throw new UsageError(`unclosed quote ${ch}`);
      words.push({ text: text.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    words.push({ text: text.slice(i, j), quoted: false });
    i = j;
  }
  return words;
}
