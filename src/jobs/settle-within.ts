import { TransientError } from '../errors/transient-error.js';

/** On failure, `error` is the raw message and `cause` what was thrown (a timeout TransientError on the deadline). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string; cause: unknown };

/** Awaits `promise` for at most `ms`; failures and timeouts are returned, never thrown. */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => {
      const error = `no answer within ${Math.round(ms / 1000)} s`;
      resolve({ ok: false, error, cause: new TransientError(error, { kind: 'timeout' }) });
    }, ms);
  });
  try {
    return await Promise.race([promise.then((value): Settled<T> => ({ ok: true, value })), timeout]).catch(
      (err: unknown): Settled<T> => ({
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        cause: err,
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}
