import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteHandler } from '../slack/signed-http-receiver.js';

/**
 * `/healthz`, `/readyz` and `/metrics` for the roles without the Slack endpoint (worker,
 * scheduler), so every pod has probes and its own metrics.
 */
export async function startHealthServer(
  routes: Record<string, RouteHandler>,
  port: number,
  host = '0.0.0.0',
) {
  const server = createServer((req, res) => {
    const handler = req.method === 'GET' ? routes[(req.url ?? '/').split('?')[0]!] : undefined;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: () => (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
