export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Rejects after `ms` so a stalled dependency cannot hold an ack past Slack's 3-second limit. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One budget for the whole ack path (role lookup, then enqueue): each step gets what is left of it. */
export function createDeadline(ms: number, start = performance.now()) {
  const end = start + ms;
  return { left: () => Math.max(1, Math.round(end - performance.now())) };
}
export type Deadline = ReturnType<typeof createDeadline>;
