import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive';

export interface DispatchResult {
  acked: boolean;
  /** The ack's `payload`, when the app sent one (e.g. a slash command's immediate reply). */
  response?: unknown;
}

export interface Pending {
  envelopeId: string;
  type: EnvelopeType;
  payload: object;
  /** 0 for the first delivery; Slack adds `retry_attempt` on redeliveries. */
  attempt: number;
  resolve(result: DispatchResult): void;
  socket?: WebSocket;
  ackTimer?: NodeJS.Timeout;
  queueTimer?: NodeJS.Timeout;
}

/**
 * Envelopes waiting for a connection or an ack. Nothing is lost across reconnects: an envelope
 * with no connection waits for the next `hello`, and one unacked on a socket that closes is redelivered.
 */
export class EnvelopeQueue {
  private queued: Pending[] = [];
  private readonly inflight = new Map<string, Pending>();

  constructor(
    private readonly opts: { ackTimeoutMs: number; queueTimeoutMs: number },
    private readonly send: (p: Pending) => WebSocket | undefined,
  ) {}

  dispatch(type: EnvelopeType, payload: object): Promise<DispatchResult> {
    return new Promise((resolve) => {
      this.deliver({ envelopeId: randomUUID(), type, payload, attempt: 0, resolve });
    });
  }

  /** Called after a `hello`: hands queued envelopes to the new connection, oldest first. */
  flush(): void {
    const waiting = this.queued;
    this.queued = [];
    for (const p of waiting) this.deliver(p);
  }

  ack(envelopeId: string, payload: unknown): void {
    const p = this.inflight.get(envelopeId);
    if (!p) return;
    this.inflight.delete(envelopeId);
    const hasResponse = typeof payload === 'object' && payload !== null && Object.keys(payload).length > 0;
    this.finish(p, { acked: true, ...(hasResponse ? { response: payload } : {}) });
  }

  connectionLost(socket: WebSocket): void {
    for (const p of [...this.inflight.values()]) {
      if (p.socket !== socket) continue;
      this.inflight.delete(p.envelopeId);
      clearTimeout(p.ackTimer);
      delete p.socket;
      p.attempt += 1;
      this.deliver(p);
    }
  }

  /** Gives up on everything pending (reset/close): dispatchers see `acked: false`. */
  clear(): void {
    const all = [...this.queued, ...this.inflight.values()];
    this.queued = [];
    this.inflight.clear();
    for (const p of all) this.finish(p, { acked: false });
  }

  private deliver(p: Pending): void {
    const socket = this.send(p);
    if (!socket) {
      this.queued.push(p);
      p.queueTimer ??= setTimeout(() => {
        this.queued = this.queued.filter((q) => q !== p);
        this.finish(p, { acked: false });
      }, this.opts.queueTimeoutMs);
      return;
    }
    clearTimeout(p.queueTimer);
    delete p.queueTimer;
    p.socket = socket;
    this.inflight.set(p.envelopeId, p);
    p.ackTimer = setTimeout(() => {
      this.inflight.delete(p.envelopeId);
      this.finish(p, { acked: false });
    }, this.opts.ackTimeoutMs);
  }

  private finish(p: Pending, result: DispatchResult): void {
    clearTimeout(p.ackTimer);
    clearTimeout(p.queueTimer);
    p.resolve(result);
  }
}
