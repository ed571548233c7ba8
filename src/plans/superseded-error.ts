import { UserError } from '../errors/user-error.js';

/**
 * This apply run was replaced by a newer run of the same plan (its worker stalled and BullMQ handed the
 * job on): it stops without writing, and the newer run reports the outcome.
 */
export class SupersededError extends UserError {
  constructor(readonly planId: string) {
    super(`Plan ${planId} is being applied by a newer run; this one stopped without changing anything more.`);
    this.name = 'SupersededError';
  }
}
