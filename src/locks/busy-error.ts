import { UserError } from '../errors/user-error.js';

/** Someone else holds the resource's lock; says who, so the user knows what to wait for. */
export class BusyError extends UserError {
  constructor(
    readonly resource: string,
    readonly holder: string,
  ) {
    super(`busy: ${resource} is being changed by ${holder}`, {
      hint: 'Wait for that to finish, then run the command again.',
    });
    this.name = 'BusyError';
  }
}
