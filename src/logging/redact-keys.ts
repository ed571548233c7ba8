import { REDACTED } from './scrub-secrets.js';

// Field names whose values are credentials whatever they contain (`*.token`, `headers.authorization`,
// `*.password`, `*.secret*`, and the camelCase forms our code uses such as `apiToken`, `signingSecret`).
const EXACT = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'coder-session-token',
]);
const SUFFIX = /(token|secret|password|passwd|apikey|api_key|api-key|secretaccesskey)$/i;
const PREFIX = /^secret/i;
const MAX_DEPTH = 8;

export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return EXACT.has(lower) || SUFFIX.test(key) || PREFIX.test(key);
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a copy of `value` where sensitive fields, at any depth, are `[redacted]`. Only plain
 * objects and arrays are copied; errors and class instances are left for their serializers (the
 * line-level scrubber still masks secret values inside them).
 */
export function redactKeys(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactKeys(item, depth + 1, seen));
  }
  if (!isPlain(value)) return value;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSensitiveKey(key) && item !== undefined && item !== null
        ? REDACTED
        : redactKeys(item, depth + 1, seen);
  }
  return out;
}
