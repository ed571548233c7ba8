import { coderError, type Reply } from './coder-http.js';

const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** google/uuid's Parse for the canonical form, with its error texts. */
export function parseUuid(text: string): { id: string } | { error: string } {
  if (text.length !== 36) return { error: `invalid UUID length: ${text.length}` };
  if (!HEX.test(text)) return { error: 'invalid UUID format' };
  return { id: text.toLowerCase() };
}

/** httpmw.ParseUUIDParam's answer for a path segment that is not a UUID. */
export function invalidUuidParam(raw: string, error: string): Reply {
  return coderError(400, { message: `Invalid UUID ${JSON.stringify(raw)}.`, detail: error });
}
