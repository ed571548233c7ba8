import { UserError } from '../errors/user-error.js';
import { AccessDeniedError } from './access-rules.js';

/**
 * How a job's final failure reads to the person it is about: a refusal as :no_entry:, their own mistake
 * as a :warning: with its advice, anything else as ours (":x: internal error, ref …"), never "Job … failed".
 * `about` (e.g. "Plan `p-1`") leads the line unless the message already names it: the subject is said once.
 */
export function failureText(
  failure: { userMessage: string; error: unknown },
  about?: string,
  /** What in `about` the message may already name (a plan id). */
  subject?: string,
): string {
  const icon =
    failure.error instanceof AccessDeniedError
      ? ':no_entry:'
      : failure.error instanceof UserError
        ? ':warning:'
        : ':x:';
  const named = subject !== undefined && failure.userMessage.includes(subject);
  return `${icon} ${about && !named ? `${about}: ${continueSentence(failure.userMessage)}` : failure.userMessage}`;
}

/** Names that keep their capital after a colon; any other capitalised first word starts a sentence. */
const PROPER = new Set([
  'Cloudflare',
  'Slack',
  'Redis',
  'Coder',
  'Karpenter',
  'Kubernetes',
  'Terraform',
  'Helm',
  'Argo',
  'Approve',
  'Undo',
]);

/** "You already have …" → "you already have …", for a message that follows "Could not plan that: ". */
export function continueSentence(text: string): string {
  const first = /^[A-Z][a-z]+(?=[\s,;:.]|$)/.exec(text)?.[0];
  if (!first || PROPER.has(first)) return text;
  return `${first.toLowerCase()}${text.slice(first.length)}`;
}
