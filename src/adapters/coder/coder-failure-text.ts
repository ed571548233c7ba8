import type { CoderResponse } from './coder-schemas.js';

/** Coder's own words for a failed request: message, detail, and the fields it refused. */
export function coderFailureText(error: CoderResponse): string {
  const detail = error.detail ? `: ${error.detail}` : '';
  const fields = (error.validations ?? []).map((v) => `${v.field}: ${v.detail}`);
  return `${error.message}${detail}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}`;
}
