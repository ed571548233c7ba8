import { UserError } from '../errors/user-error.js';
import { AccessDeniedError } from './access-rules.js';

/**
 * How a job's final failure reads to the person it is about: a refusal as :no_entry:, their own mistake
 * as a :warning: with its advice, anything else as ours (":x: internal error, ref …"), never "Job … failed".
 */
export function failureText(failure: { userMessage: string; error: unknown }, about?: string): string {
  const icon =
    failure.error instanceof AccessDeniedError
      ? ':no_entry:'
      : failure.error instanceof UserError
        ? ':warning:'
        : ':x:';
  return `${icon} ${about ? `${about}: ` : ''}${failure.userMessage}`;
}
