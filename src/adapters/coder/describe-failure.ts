import { ZodError } from 'zod';

/** A thrown error as a step's detail: what went wrong in a line, never a stack. */
export function describeFailure(err: unknown): string {
  if (err instanceof ZodError) {
    const first = err.issues[0];
    return `unexpected answer from Coder (${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'invalid'})`;
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return 'aborted';
  return err instanceof Error ? err.message : String(err);
}
