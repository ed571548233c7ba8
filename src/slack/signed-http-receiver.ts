import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type App,
  type BufferedIncomingMessage,
  HTTPModuleFunctions,
  HTTPResponseAck,
  type Logger,
  type Receiver,
} from '@slack/bolt';
import { classifySlackBody, type SlackBody } from './classify-slack-body.js';
import { signatureMatches } from './signature-matches.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export type RejectionReason =
  | 'bad-signature'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'oversized'
  | 'slow-client'
  | 'connection-cap'
  | 'malformed';

export interface RejectedRequest {
  reason: RejectionReason;
  /** Our own words (never the body, which may carry user text). */
  detail: string;
  remoteAddress: string | undefined;
  /** True when Slack's signature checked out (a malformed payload); false for refusals before that. */
  authenticated: boolean;
}

export interface ReceiverLimits {
  /** Slack's payloads are a few KiB; anything larger is refused with 413 while it is still arriving. */
  maxBodyBytes: number;
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  maxConnections: number;
  /** How often Node enforces the two timeouts (its default, 30 s, would let slow clients linger). */
  timeoutCheckMs: number;
}

export const DEFAULT_RECEIVER_LIMITS: ReceiverLimits = {
  maxBodyBytes: 64 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  maxConnections: 512,
  timeoutCheckMs: 1_000,
};

/** What Bolt has listeners for; anything else is answered at once instead of Bolt's 404 after 3 s. */
export interface KnownRoutes {
  command(name: string): boolean;
  action(actionId: string): boolean;
  /** A modal's callback_id (view_submission). */
  view(callbackId: string): boolean;
  event(type: string): boolean;
}

export interface SignedHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** GET routes served beside the Slack endpoint (`/healthz`, `/readyz`, `/metrics`). */
  routes?: Record<string, RouteHandler>;
  /** Called for every request refused before reaching Bolt, so it can be audited and counted. */
  onRejected?: (rejection: RejectedRequest) => void;
  /** When false, incoming commands are refused with 503 (graceful shutdown). */
  accepting?: () => boolean;
  known?: KnownRoutes;
  limits?: Partial<ReceiverLimits>;
  eventsPath?: string;
  host?: string;
  clock?: () => number;
}

/** Slack's replay window, both ways: Bolt only refuses old timestamps, not ones from the future. */
const MAX_SKEW_SEC = 5 * 60;
/** Slack expects an ack within 3 s, so no legitimate request needs longer than this to finish. */
const STOP_GRACE_MS = 3_500;

/**
 * A small Bolt receiver (in the manner of bolt-js's own HTTPReceiver) that verifies Slack's
 * signature itself so refusals can be audited, and serves health and metrics routes. Cheap checks
 * come first (size, headers, timestamp), so unauthenticated traffic costs little.
 */
export class SignedHttpReceiver implements Receiver {
  private app: App | undefined;
  private server: Server | undefined;
  private readonly eventsPath: string;
  private readonly limits: ReceiverLimits;
  /** Sockets with a request being handled: a timeout there must not write a second response. */
  private readonly busy = new WeakSet<Duplex>();

  constructor(private readonly opts: SignedHttpReceiverOptions) {
    this.eventsPath = opts.eventsPath ?? '/slack/events';
    this.limits = { ...DEFAULT_RECEIVER_LIMITS, ...opts.limits };
  }

  init(app: App): void {
    this.app = app;
  }

  async start(port: number): Promise<Server> {
    const host = this.opts.host ?? '0.0.0.0';
    const { headersTimeoutMs, requestTimeoutMs, timeoutCheckMs, maxConnections } = this.limits;
    const server = createServer(
      {
        // Node refuses a headers timeout longer than the request timeout.
        headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
        requestTimeout: requestTimeoutMs,
        connectionsCheckingInterval: timeoutCheckMs,
      },
      (req, res) => {
        this.busy.add(req.socket);
        res.once('close', () => this.busy.delete(req.socket));
        this.route(req, res).catch((err: unknown) => {
          // A client cut off mid-body (timeout, reset) is not our error; it was counted already.
          if (req.destroyed && req.socket.destroyed) return;
          this.opts.logger.error(`receiver error: ${(err as Error).message}`);
          if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
        });
      },
    );
    server.maxConnections = maxConnections;
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(err, socket));
    server.on('drop', (data?: { remoteAddress?: string }) =>
      this.reject('connection-cap', `over ${maxConnections} open connections`, data?.remoteAddress),
    );
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.server = server;
    return server;
  }

  port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      // A request in flight gets its ack out; a client still dribbling one in is not waited for.
      const cutOff = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
      server.close(() => {
        clearTimeout(cutOff);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'POST' && path === this.eventsPath) return this.handleEvent(req, res);
    const handler = req.method === 'GET' ? this.opts.routes?.[path] : undefined;
    if (handler) return handler(req, res);
    HTTPModuleFunctions.buildNoBodyResponse(res, 404);
  }

  private async handleEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.opts.accepting && !this.opts.accepting()) {
      HTTPModuleFunctions.buildNoBodyResponse(res, 503);
      return;
    }
    const early = this.checkHeaders(req);
    if (early) {
      // A small declared body is left for Node to discard; any other is never read at all.
      const small = Number(req.headers['content-length']) <= this.limits.maxBodyBytes;
      return this.refuse(req, res, early.status, early.reason, early.detail, { bodyUnread: !small });
    }
    let buffered: BufferedIncomingMessage;
    try {
      // raw-body refuses a too-large Content-Length before reading and stops reading at the cap otherwise.
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, this.limits.maxBodyBytes);
    } catch (err) {
      if (HTTPModuleFunctions.isRawBodyError(err) && err.statusCode === 413)
        return this.refuse(req, res, 413, 'oversized', `body over ${this.limits.maxBodyBytes} bytes`, {
          bodyUnread: true,
        });
      throw err;
    }
    const rawBody = buffered.rawBody.toString();
    // The timestamp's window was checked with the headers; this is Slack's v0 HMAC, compared in constant time.
    if (
      !signatureMatches(
        this.opts.signingSecret,
        String(req.headers['x-slack-request-timestamp']),
        rawBody,
        String(req.headers['x-slack-signature']),
      )
    )
      return this.refuse(req, res, 401, 'bad-signature', 'signature mismatch');
    let body: SlackBody;
    let parsed: Record<string, unknown>;
    try {
      parsed = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
      body = classifySlackBody(parsed);
    } catch {
      body = { kind: 'malformed', why: 'payload is not JSON' };
      parsed = {};
    }
    if (body.kind === 'malformed') {
      this.reject('malformed', body.why, req.socket.remoteAddress, true);
      HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      return;
    }
    if (body.kind === 'ssl-check') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.kind === 'url-verification')
      return HTTPModuleFunctions.buildUrlVerificationResponse(res, parsed);
    if (this.answerUnknown(body, res)) return;
    const ack = new HTTPResponseAck({
      logger: this.opts.logger,
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: parsed,
      httpResponse: res,
    });
    const retryNum = HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req);
    const retryReason = HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req);
    await this.app?.processEvent({
      body: parsed,
      ack: ack.bind(),
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
    });
  }

  /** Refusals decidable from the headers alone, before a byte of the body is read. */
  private checkHeaders(
    req: IncomingMessage,
  ): { status: number; reason: RejectionReason; detail: string } | undefined {
    const declared = Number(req.headers['content-length']);
    if (declared > this.limits.maxBodyBytes)
      return { status: 413, reason: 'oversized', detail: `Content-Length ${declared} over the cap` };
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (typeof signature !== 'string' || !signature.startsWith('v0=') || !Number.isInteger(timestamp))
      return { status: 401, reason: 'bad-signature', detail: 'missing or malformed signature headers' };
    const nowSec = Math.floor(this.now() / 1000);
    if (timestamp < nowSec - MAX_SKEW_SEC)
      return { status: 401, reason: 'stale-timestamp', detail: `timestamp ${nowSec - timestamp}s old` };
    if (timestamp > nowSec + MAX_SKEW_SEC)
      return { status: 401, reason: 'future-timestamp', detail: `timestamp ${timestamp - nowSec}s ahead` };
    return undefined;
  }

  /** Commands, buttons, forms and events nothing listens for: Bolt would hold them ~3 s and answer 404. */
  private answerUnknown(body: SlackBody, res: ServerResponse): boolean {
    const known = this.opts.known;
    if (!known) return false;
    if (body.kind === 'command' && !known.command(body.command)) {
      this.opts.logger.warn(`slash command ${body.command} has no handler`);
      HTTPModuleFunctions.buildContentResponse(res, {
        response_type: 'ephemeral',
        text: `:warning: ${body.command} is not a command opsbot knows.`,
      });
      return true;
    }
    const unknown =
      (body.kind === 'action' && !known.action(body.actionId)) ||
      // An empty 200 closes the modal, as Slack does when nothing answers it in time.
      (body.kind === 'view' && !known.view(body.callbackId)) ||
      (body.kind === 'event' && !known.event(body.eventType)) ||
      body.kind === 'other';
    if (unknown) HTTPModuleFunctions.buildNoBodyResponse(res, 200);
    return unknown;
  }

  /**
   * Answers a refusal. When the body was left unread, the connection is closed and the socket
   * destroyed once the answer is out, so the rest is never read.
   */
  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    reason: RejectionReason,
    detail: string,
    opts: { bodyUnread?: boolean } = {},
  ): void {
    this.reject(reason, detail, req.socket.remoteAddress);
    if (opts.bodyUnread) {
      res.setHeader('connection', 'close');
      res.once('finish', () => req.socket.destroy());
    }
    res.writeHead(status, { 'content-length': 0 });
    res.end();
  }

  /** Node's timeouts and HTTP parse errors: answered and closed as Node would, and counted. */
  private onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const remoteAddress = (socket as Socket).remoteAddress;
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      this.reject('slow-client', 'request not received within the timeout', remoteAddress);
      if (socket.writable && !this.busy.has(socket))
        socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else if (err.code !== 'ECONNRESET' && socket.writable && !this.busy.has(socket)) {
      this.reject('malformed', `unparsable HTTP (${err.code ?? 'error'})`, remoteAddress);
      const status =
        err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  }

  private reject(
    reason: RejectionReason,
    detail: string,
    remoteAddress: string | undefined,
    authenticated = false,
  ): void {
    this.opts.onRejected?.({ reason, detail, remoteAddress, authenticated });
  }

  private now(): number {
    return this.opts.clock?.() ?? Date.now();
  }
}
