import { escapeMrkdwn } from '../slack-text/escape-mrkdwn.js';
import { untrusted } from '../slack-text/untrusted.js';

export const REDACTED = '[redacted]';

/**
 * Token shapes masked even when nobody registered them as secrets. Each pattern consumes only
 * token characters (never quotes or separators), so scrubbing a JSON line keeps it valid JSON.
 */
const TOKEN_PATTERNS: { pattern: RegExp; keepPrefix?: boolean }[] = [
  // Slack bot/user/app-level tokens.
  { pattern: /(?<![A-Za-z0-9])xox[abeprs]-[A-Za-z0-9-]{6,}/g },
  { pattern: /(?<![A-Za-z0-9])xapp-[A-Za-z0-9-]{6,}/g },
  // LiteLLM virtual and master keys (`sk-…`); the lookbehind spares words like "task-runner".
  { pattern: /(?<![A-Za-z0-9])sk-[A-Za-z0-9_ˍ-]{8,}/g },
  // EKS bearer tokens: a presigned STS URL, base64url-encoded.
  { pattern: /(?<![A-Za-z0-9])k8s-aws-v1\.[A-Za-z0-9_ˍ=-]+/g },
  // AWS secret keys after their usual name (ini, env, JSON with or without escaped quotes).
  {
    pattern: /(aws[_ˍ]secret[_ˍ]access[_ˍ]key\\?["']?\s*[:=]\s*\\?["']?)[A-Za-z0-9/+=]{16,}/gi,
    keepPrefix: true,
  },
  { pattern: /(secretAccessKey\\?["']?\s*[:=]\s*\\?["']?)[A-Za-z0-9/+=]{16,}/g, keepPrefix: true },
  // HTTP bearer credentials quoted in messages ("Authorization: Bearer …").
  { pattern: /(Bearer\s+)[A-Za-z0-9._~ˍ∼+/=-]{8,}/g, keepPrefix: true },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The forms a secret can take: raw, with JSON string escaping (a log line), and as Slack text renders
 * it (`untrusted` swaps `_` for a lookalike), so a pasted token is still caught after escaping.
 */
function secretForms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), escapeMrkdwn(secret), untrusted(secret)])];
}

/**
 * Builds a function that replaces every registered secret value and every token-shaped string
 * in a text with `[redacted]`. Longer secrets go first so a secret containing another is fully hidden.
 */
export function createSecretScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap(secretForms))].sort(
    (a, b) => b.length - a.length,
  );
  const known = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text: string) => {
    let out = known ? text.replace(known, REDACTED) : text;
    for (const { pattern, keepPrefix } of TOKEN_PATTERNS) {
      out = keepPrefix
        ? out.replace(pattern, (_match, prefix: string) => `${prefix}${REDACTED}`)
        : out.replace(pattern, REDACTED);
    }
    return out;
  };
}
