import { UserError } from './user-error.js';

/** What the user sees for an error: a UserError's own text, otherwise only a reference to the logs. */
export function describeForUser(err: unknown, ref: string): string {
  if (err instanceof UserError) return err.userText;
  return `internal error, ref ${ref}`;
}
