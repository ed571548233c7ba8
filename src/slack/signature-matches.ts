import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signature (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`), compared in constant time.
 * One HMAC per request: Bolt's verifier costs three (it compares through a random-key double HMAC).
 */
export function signatureMatches(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
