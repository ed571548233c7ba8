export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/** Awaits `promise` for at most `ms`; failures and timeouts become a short, user-safe reason. */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `no answer within ${Math.round(ms / 1000)} s` }),
      ms,
    );
  });
  try {
    return await Promise.race([promise.then((value): Settled<T> => ({ ok: true, value })), timeout]).catch(
      (err: unknown): Settled<T> => ({ ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  } finally {
    clearTimeout(timer);
  }
}
