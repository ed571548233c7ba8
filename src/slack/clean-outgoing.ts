import { neutralizeMarkup } from '../slack-text/neutralize-markup.js';

export type Scrub = (text: string) => string;

/** Every string scrubbed of secrets; mrkdwn text (Slack parses it for pings and links) also neutralized. */
function cleanValue(value: unknown, scrub: Scrub, mrkdwn: boolean): unknown {
  if (typeof value === 'string') return scrub(mrkdwn ? neutralizeMarkup(value) : value);
  if (Array.isArray(value)) return value.map((v) => cleanValue(v, scrub, false));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const isMrkdwn = obj.type === 'mrkdwn';
  return Object.fromEntries(
    Object.entries(obj).map(([k, v]) => [k, cleanValue(v, scrub, isMrkdwn && k === 'text')]),
  );
}

/**
 * The one filter every outgoing message passes (posts, updates, ephemerals, response_url, App Home,
 * acks): secrets masked, and no broadcast or link that opsbot did not write itself.
 */
export function cleanOutgoing<T extends { text?: string; blocks?: readonly unknown[] }>(
  message: T,
  scrub: Scrub,
): T {
  return {
    ...message,
    ...(message.text !== undefined ? { text: scrub(neutralizeMarkup(message.text)) } : {}),
    ...(message.blocks !== undefined ? { blocks: cleanValue(message.blocks, scrub, false) } : {}),
  };
}
