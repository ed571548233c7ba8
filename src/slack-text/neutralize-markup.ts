/**
 * The control sequences opsbot itself emits: user and channel mentions and `<!date^…>` times.
 * Broadcasts (`<!channel>`, `<!here>`), group pings and links are never ours.
 */
const OWN = /^(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+(\|[^|]*)?|!date\^\d+\^[^|^]*(\|[^|]*)?)$/;

/**
 * Last line of defence for outgoing mrkdwn: escapes every `<…>` sequence that opsbot does not emit
 * itself, so text that slipped past `code`/`untrusted` can neither ping the channel nor carry a link.
 */
export function neutralizeMarkup(text: string): string {
  return text.replace(/<([^<>]*)>|</g, (whole, inner: string | undefined) => {
    if (inner === undefined) return '&lt;';
    return OWN.test(inner) ? whole : `&lt;${inner}&gt;`;
  });
}
