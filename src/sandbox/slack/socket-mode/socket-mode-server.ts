import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { type DispatchResult, EnvelopeQueue, type EnvelopeType, type Pending } from './envelope-queue.js';

export type { DispatchResult, EnvelopeType } from './envelope-queue.js';

interface Connection {
  ws: WebSocket;
  /** Sent `disconnect`: finishes acks in flight but gets no new envelopes. */
  draining: boolean;
}

export interface SocketModeOptions {
  appId: string;
  ackTimeoutMs: number;
  queueTimeoutMs: number;
}

const Ack = z.looseObject({ envelope_id: z.string(), payload: z.unknown().optional() });
const DEBUG_INFO = { host: 'applink-sandbox-1', build_number: 1, approximate_connection_time: 18060 };
const PING_INTERVAL_MS = 10_000;
const DISCONNECT_GRACE_MS = 1_000;

/** Slack's Socket Mode side: single-use tickets, `hello`, envelopes, acks, `disconnect` refreshes. */
export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly conns = new Set<Connection>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly envelopes: EnvelopeQueue;
  private readonly ping: NodeJS.Timeout;

  constructor(
    private readonly opts: SocketModeOptions,
    private readonly wsBase: () => string,
  ) {
    this.envelopes = new EnvelopeQueue(opts, (p) => this.send(p));
    // Slack pings; SocketModeClient treats a missing server ping (after the first) as a dead link.
    this.ping = setInterval(() => {
      for (const c of this.conns) c.ws.ping();
    }, PING_INTERVAL_MS);
    this.ping.unref();
  }

  /** apps.connections.open: a fresh URL whose ticket works once. */
  openUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.wsBase()}/link/?ticket=${ticket}&app_id=${this.opts.appId}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!/^\/link\/?$/.test(url.pathname) || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  dispatch(type: EnvelopeType, payload: object): Promise<DispatchResult> {
    return this.envelopes.dispatch(type, payload);
  }

  connections(): number {
    return [...this.conns].filter((c) => !c.draining).length;
  }

  /** Like Slack refreshing a link: `disconnect` (refresh_requested), then the socket closes shortly after. */
  forceReconnect(): void {
    for (const conn of this.conns) {
      if (conn.draining) continue;
      conn.draining = true;
      conn.ws.send(
        JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: DEBUG_INFO }),
      );
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        conn.ws.close(1001, 'refresh_requested');
      }, DISCONNECT_GRACE_MS);
      this.timers.add(timer);
    }
  }

  reset(): void {
    this.envelopes.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.ping);
    for (const t of this.timers) clearTimeout(t);
    this.envelopes.clear();
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    const conn: Connection = { ws, draining: false };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    ws.on('close', () => {
      this.conns.delete(conn);
      this.envelopes.connectionLost(ws);
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.connections(),
        debug_info: DEBUG_INFO,
        connection_info: { app_id: this.opts.appId },
      }),
    );
    this.envelopes.flush();
  }

  private onMessage(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const ack = Ack.safeParse(parsed);
    if (ack.success) this.envelopes.ack(ack.data.envelope_id, ack.data.payload);
  }

  /** Sends an envelope on an open, non-draining connection; returns the socket used, if any. */
  private send(p: Pending): WebSocket | undefined {
    const conn = [...this.conns].find((c) => !c.draining && c.ws.readyState === c.ws.OPEN);
    if (!conn) return undefined;
    conn.ws.send(
      JSON.stringify({
        envelope_id: p.envelopeId,
        type: p.type,
        payload: p.payload,
        accepts_response_payload: true,
        ...(p.attempt > 0 ? { retry_attempt: p.attempt, retry_reason: 'timeout' } : {}),
      }),
    );
    return conn.ws;
  }
}
