import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

/** `/healthz` (process up), `/readyz` (Redis answers within a second), `/metrics` (Prometheus). */
export function healthRoutes(redis: Redis, registry: Registry) {
  return {
    '/healthz': (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    },
    '/readyz': async (_req: IncomingMessage, res: ServerResponse) => {
      const ready = await Promise.race([
        redis.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000)),
      ]);
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ready ? 'ready\n' : 'redis unavailable\n');
    },
    '/metrics': async (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
    },
  };
}
