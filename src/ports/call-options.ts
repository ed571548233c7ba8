/** The last parameter of every port method that does I/O. */
export interface CallOptions {
  /**
   * The run's signal, aborted when it loses its lock (or its worker closes): the adapter cancels the request
   * in flight and rejects with the signal's reason, never with a failure of its own (nothing to retry).
   */
  signal?: AbortSignal;
}

/**
 * What a call cancelled through `signal` rejects with: its reason when that is an Error (a lost resource
 * lock), else an AbortError naming it (BullMQ aborts a run with a string such as "lost the job lock").
 */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(reason === undefined ? 'This operation was aborted' : String(reason), 'AbortError');
}

/** Throws the abort before a request is made, so a cancelled run never starts another one. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Races `work` with `signal`, for steps that cannot be cancelled themselves (a shared cached lookup, a
 * credential provider): the caller stops waiting the moment the run is aborted.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * A signal for one piece of work (a check run, a status report): aborted with `parent` (the job's: its lock
 * lost, its worker closing) or by `finish()` once the work has its answer, so reads that outlived their
 * deadline stop instead of running on behind it.
 */
export function scopedSignal(parent?: AbortSignal): { signal: AbortSignal; finish(): void } {
  const done = new AbortController();
  return {
    signal: parent ? AbortSignal.any([parent, done.signal]) : done.signal,
    finish: () => done.abort(new Error('the work it was for is over')),
  };
}
