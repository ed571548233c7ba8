import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';

/**
 * A read made while planning: an unreachable or failing cluster becomes a message naming it, rather
 * than a retried job whose user only hears "temporary error" (nothing has changed yet, so failing fast is safe).
 */
export async function clusterRead<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof TransientError)
      throw new UserError(`${err.message}. Nothing was planned; try again once it answers.`, { cause: err });
    throw err;
  }
}
