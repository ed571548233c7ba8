import { escapeMrkdwn, oneLine } from './escape-mrkdwn.js';

/** A backtick's lookalike (U+02CB), so a value can never close the code span it is shown in. */
const BACKTICK_LOOKALIKE = 'ˋ';

/**
 * An untrusted value (record content, a name from an API, typed input) as inline code: escaped,
 * on one line, unable to close the span. Inside code Slack applies no bold, italics, links or emoji.
 */
export function code(text: string): string {
  const body = oneLine(escapeMrkdwn(text)).replace(/`/g, BACKTICK_LOOKALIKE);
  if (text === '') return '_(empty)_';
  // Slack shows a code span of blanks as bare backticks: make the blanks visible instead.
  return `\`${body.trim() === '' ? body.replace(/\s/g, '␠') : body}\``;
}
