import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type App,
  HTTPModuleFunctions,
  HTTPResponseAck,
  type Logger,
  type Receiver,
  verifySlackRequest,
} from '@slack/bolt';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RejectedRequest {
  reason: 'bad-signature' | 'stale-timestamp' | 'malformed';
  detail: string;
  remoteAddress: string | undefined;
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
  eventsPath?: string;
  host?: string;
  clock?: () => number;
}

/**
 * A small Bolt receiver (in the manner of bolt-js's own HTTPReceiver) that verifies Slack's
 * signature itself so refusals can be audited, and serves health and metrics routes.
 */
export class SignedHttpReceiver implements Receiver {
  private app: App | undefined;
  private server: Server | undefined;
  private readonly eventsPath: string;

  constructor(private readonly opts: SignedHttpReceiverOptions) {
    this.eventsPath = opts.eventsPath ?? '/slack/events';
  }

  init(app: App): void {
    this.app = app;
  }

  async start(port: number): Promise<Server> {
    const host = this.opts.host ?? '0.0.0.0';
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        this.opts.logger.error(`receiver error: ${(err as Error).message}`);
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
      });
    });
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
      server.close(() => resolve());
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
    const buffered = await HTTPModuleFunctions.bufferIncomingMessage(req);
    const rawBody = buffered.rawBody.toString();
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: rawBody,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
          'x-slack-request-timestamp': timestamp,
        },
        nowMilliseconds: this.opts.clock?.() ?? Date.now(),
      });
    } catch (err) {
      const detail = (err as Error).message;
      const reason = /stale|timestamp/i.test(detail) ? 'stale-timestamp' : 'bad-signature';
      this.opts.onRejected?.({ reason, detail, remoteAddress: req.socket.remoteAddress });
      HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch (err) {
      this.opts.onRejected?.({
        reason: 'malformed',
        detail: (err as Error).message,
        remoteAddress: req.socket.remoteAddress,
      });
      HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      return;
    }
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
    const ack = new HTTPResponseAck({
      logger: this.opts.logger,
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    const retryNum = HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req);
    const retryReason = HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req);
    await this.app?.processEvent({
      body,
      ack: ack.bind(),
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
    });
  }
}
