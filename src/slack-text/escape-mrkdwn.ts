/** Slack's own rule for text it must not parse as markup: `&`, `<` and `>` become entities. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Folds line breaks (and other control characters) into one line: an untrusted value must not start a
 * line of its own, where it could pass for one of opsbot's status lines.
 */
export function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ⏎ ').replace(/\p{Cc}/gu, ' ');
}
