import { SlackApiError } from './slack-api-error.js';

export type ApiArgs = Record<string, unknown>;

/** A string argument (form fields are strings; JSON bodies may carry numbers). */
export function optString(args: ApiArgs, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new SlackApiError('invalid_arguments', [`[ERROR] must be a string [json-pointer:/${key}]`]);
}

export function requireString(args: ApiArgs, key: string, error = 'invalid_arguments'): string {
  const value = optString(args, key);
  if (value === undefined) {
    throw new SlackApiError(
      error,
      error === 'invalid_arguments' ? [`[ERROR] missing required field: ${key}`] : [],
    );
  }
  return value;
}

export function optBoolean(args: ApiArgs, key: string): boolean | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Form bodies carry objects as JSON strings (WebClient serialises them so); JSON bodies carry them as is. */
export function optJson(args: ApiArgs, key: string, errorIfMalformed: string): unknown {
  const value = args[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SlackApiError(errorIfMalformed);
  }
}
