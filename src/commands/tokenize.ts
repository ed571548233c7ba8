import { UsageError } from './usage-error.js';

export interface Tokens {
  positionals: string[];
  flags: Record<string, string | true>;
}

// Slack clients turn straight quotes into typographic ones (not always in matching pairs); accept them all.
const DOUBLE = ['"', '\u201c', '\u201d', '\u201e'];
const SINGLE = ["'", '\u2018', '\u2019'];
const CLOSERS: Record<string, string[]> = {
  ...Object.fromEntries(DOUBLE.map((q) => [q, ['"', '\u201d', '\u201c']])),
  ...Object.fromEntries(SINGLE.map((q) => [q, ["'", '\u2019']])),
};
const FLAG = /^(--|\u2014)[a-z]/i;
/** `--flag=` with its value still to come, e.g. before a quote in `--reason="db failover"`. */
const FLAG_EQUALS = /^(--|\u2014)[a-z][\w-]*=$/i;

/** Splits slash-command text into positionals and `--flag[=value]` / `--flag value` pairs. */
export function tokenize(text: string, valueFlags: ReadonlySet<string>): Tokens {
  const words = splitWords(text);
  const tokens: Tokens = { positionals: [], flags: {} };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.quoted && FLAG.test(word.text)) {
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

/**
 * The quoted text starting at `open`, and the index after its closing quote. A closing quote must end
 * the word, so an apostrophe inside (“it’s down”) does not close it.
 */
function readQuoted(text: string, open: number): { value: string; end: number } {
  const closers = CLOSERS[text[open]!]!;
  for (let k = open + 1; k < text.length; k++) {
    const after = text[k + 1];
    if (closers.includes(text[k]!) && (after === undefined || /\s/.test(after)))
      return { value: text.slice(open + 1, k), end: k + 1 };
  }
  throw new UsageError(`unclosed quote ${text[open]}`);
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
    if (CLOSERS[ch] !== undefined) {
      const { value, end } = readQuoted(text, i);
      words.push({ text: value, quoted: true });
      i = end;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!) && !startsFlagValue(text, i, j)) j++;
    if (startsFlagValue(text, i, j)) {
      const { value, end } = readQuoted(text, j);
      words.push({ text: `${text.slice(i, j)}${value}`, quoted: false });
      i = end;
      continue;
    }
    words.push({ text: text.slice(i, j), quoted: false });
    i = j;
  }
  return words;
}

/** A quote right after `--flag=` opens that flag's value: `--reason="db failover"`. */
function startsFlagValue(text: string, wordStart: number, at: number): boolean {
  return CLOSERS[text[at] ?? ''] !== undefined && FLAG_EQUALS.test(text.slice(wordStart, at));
}
