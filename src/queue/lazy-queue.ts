import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueUnavailableError } from './queue-unavailable-error.js';

/**
 * The BullMQ Queue behind createQueue. BullMQ initialises a Queue's connection once, when constructed,
 * and keeps a failed start for good; so the Queue is built only once Redis is ready, and dropped after
 * a failure to be rebuilt on the next call. Every failure surfaces as QueueUnavailableError, fast.
 */
export class LazyQueue {
  private queue: Queue | undefined;

  constructor(
    readonly name: string,
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly readyTimeoutMs: number,
  ) {}

  async run<T>(fn: (queue: Queue) => Promise<T>): Promise<T> {
    await waitForReady(this.connection, this.readyTimeoutMs);
    if (!this.queue) {
      // skipWaitingForReady: we just waited ourselves; BullMQ's own wait has no timeout.
      this.queue = new Queue(this.name, {
        connection: this.connection,
        prefix: this.prefix,
        skipWaitingForReady: true,
      });
      this.queue.on('error', () => {}); // surfaced per call instead
    }
    const queue = this.queue;
    try {
      return await fn(queue);
    } catch (err) {
      // A bug (bad options, a script error) is not an outage: it surfaces as itself, an internal error.
      if (!isConnectionError(err)) throw err;
      if (this.queue === queue) this.queue = undefined;
      await queue.close().catch(() => {}); // the shared connection stays open
      throw new QueueUnavailableError(err);
    }
  }

  async close(): Promise<void> {
    await this.queue?.close();
    this.queue = undefined;
  }
}

/** ioredis' ways of saying "Redis is not there" (closed, refused, offline queue off, retries exhausted). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as { code?: string }).code;
  if (code && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNABORTED)$/.test(code))
    return true;
  return /Connection is closed|enableOfflineQueue|Stream isn't writeable|connect E|LOADING|READONLY|ended/i.test(
    err.message,
  );
}

async function waitForReady(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === 'ready') return;
  // Only a client still starting up gets a grace period; a reconnecting one is treated as down.
  if (connection.status !== 'connecting' && connection.status !== 'connect' && connection.status !== 'wait')
    throw new QueueUnavailableError();
  if (connection.status === 'wait') connection.connect().catch(() => {});
  await new Promise<void>((resolve, reject) => {
    const done = (err?: unknown) => {
      clearTimeout(timer);
      connection.off('ready', onReady);
      connection.off('error', onError);
      if (err === undefined) resolve();
      else reject(new QueueUnavailableError(err));
    };
    const onReady = () => done();
    // A refused or failed connection attempt answers now rather than at the timeout.
    const onError = (err: unknown) => done(err);
    const timer = setTimeout(() => done(new Error('timed out waiting for Redis')), timeoutMs);
    connection.once('ready', onReady);
    connection.once('error', onError);
  });
}
