import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Faults } from './faults.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** PEM key and certificate: serve HTTPS. */
  tls?: { key: string; cert: string };
  host?: string;
}

/** Starts a server on an ephemeral loopback port; handler errors become 500s, never crashes. */
export async function serve(handler: Handler, opts: ServeOptions = {}): Promise<RunningServer> {
  const wrapped = (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'sandbox internal error', detail: String(err) });
        else res.destroy();
      });
  };
  const server = opts.tls
    ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, wrapped)
    : createHttpServer(wrapped);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = opts.tls ? 'https' : 'http';
  return {
    url: `${scheme}://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Applies injected faults for `api`: waits the configured latency, drops the connection when the
 * API is unreachable, or answers with the injected status. Returns true when the request was answered.
 */
export async function applyFault(
  faults: Faults,
  api: string,
  res: ServerResponse,
  body: (status: number) => unknown = (status) => ({ error: `injected fault ${status}` }),
): Promise<boolean> {
  if (faults.isUnreachable(api)) {
    res.socket?.destroy();
    return true;
  }
  const fault = faults.take(api, res.req?.method);
  if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.status === undefined) return false;
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  sendJson(res, fault.status, body(fault.status), headers);
  return true;
}
