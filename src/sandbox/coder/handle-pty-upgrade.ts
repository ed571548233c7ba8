import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { Faults } from '../shared/faults.js';
import { checkPty, type PtyTarget } from './check-pty.js';
import { coderError, noHealthyUpstream, type Reply, routeNotFound } from './coder-http.js';
import { isReply } from './decode-body.js';
import { proxyHealthy } from './handle-proxy.js';
import { runPtySession } from './run-pty-session.js';
import { authenticateSession } from './session-auth.js';
import { proxyNotFoundPage } from './static-error-page.js';
import type { ProbeContext } from './types.js';
import { PTY_ROUTE } from './workspace-routes.js';

/** coder/websocket caps close reasons at 123 bytes (httpapi.WebsocketCloseSprintf). */
const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString();

/** An HTTP answer written on the raw socket of a refused upgrade. */
function refuse(socket: Duplex, reply: Reply): void {
  const head = [
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`,
    `content-type: ${reply.contentType}`,
    `content-length: ${Buffer.byteLength(reply.body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${reply.body}`);
}

export interface UpgradeDeps {
  contexts: Map<string, ProbeContext>;
  primary: ProbeContext['primary'];
  faults: Faults;
  wss: WebSocketServer;
  faultBody: (status: number) => unknown;
}

/** The checks a terminal upgrade goes through, in the order the servers apply them. */
function admit(
  req: IncomingMessage,
  url: URL,
  deps: UpgradeDeps,
): { ctx: ProbeContext; target: PtyTarget } | Reply | 'drop' {
  const [, id = '', ...rest] = url.pathname.split('/');
  const ctx = deps.contexts.get(decodeURIComponent(id));
  if (ctx?.probe.kind !== 'coder') return routeNotFound();
  if (deps.faults.isUnreachable('coder')) return 'drop';
  const fault = deps.faults.take('coder', req.method);
  if (fault.status !== undefined) {
    const body = JSON.stringify(deps.faultBody(fault.status));
    return { status: fault.status, contentType: 'application/json', body };
  }
  const isProxy = ctx.probe !== deps.primary;
  if (isProxy && !proxyHealthy(ctx)) return noHealthyUpstream();
  const pty = PTY_ROUTE.exec(`/${rest.join('/')}`);
  if (!pty) {
    const dashboard = (ctx.primary ?? ctx.probe).url.replace(/\/+$/, '');
    return isProxy ? proxyNotFoundPage(dashboard) : routeNotFound();
  }
  const denied = authenticateSession(req, url, ctx.opts.sessionToken);
  if (denied) return coderError(401, denied);
  const target = checkPty(decodeURIComponent(pty[1] as string), url, ctx);
  return isReply(target) ? target : { ctx, target };
}

/**
 * Websocket upgrades on the Coder server: the terminal route, on the control plane and on each
 * workspace proxy, with the same checks as a plain request; a `command` failure injected for the
 * probe that serves it closes the socket as coderd does when it cannot dial the agent.
 */
export function handlePtyUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  deps: UpgradeDeps,
): void {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  const admitted = admit(req, url, deps);
  if (admitted === 'drop') {
    socket.destroy();
    return;
  }
  if (isReply(admitted)) {
    refuse(socket, admitted);
    return;
  }
  const { ctx, target } = admitted;
  deps.wss.handleUpgrade(req, socket, head, (ws) => {
    const failure = ctx.state.workspaces.failures.match('command', {
      probe: ctx.probe.id,
      workspace: target.ws.name,
    });
    if (failure !== undefined) ws.close(1011, closeReason(`dial workspace agent: ${failure}`));
    else runPtySession(ws, { command: target.command, workspace: target.ws.name });
  });
}
