/**
 * A failure whose message is safe to show in Slack and tells the user what to do next.
 * Workers turn it into BullMQ's UnrecoverableError: retrying will not change the answer.
 */
export class UserError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options?.hint;
  }

  /** Message plus hint, as shown to the user. */
  get userText(): string {
    return this.hint ? `${this.message}\n${this.hint}` : this.message;
  }
}

/** The live state no longer matches what the plan was built on; carries the current value for the user. */
export class ConflictError extends UserError {
  readonly current: string;

  constructor(message: string, current: string, options?: { hint?: string; cause?: unknown }) {
    super(`${message} (current value: ${current})`, {
      hint: options?.hint ?? 'Run the command again to plan against the current value.',
      cause: options?.cause,
    });
    this.name = 'ConflictError';
    this.current = current;
  }
}
