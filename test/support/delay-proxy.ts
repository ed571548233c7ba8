import { connect, createServer, type Socket } from 'node:net';

export interface DelayProxy {
  /** `redis://127.0.0.1:<port>` (same scheme as the target URL), to hand to whoever should go through it. */
  url: string;
  port: number;
  /** Each chunk, in either direction, is held this long before it is passed on (order kept). 0: pass at once. */
  setDelay(ms: number): void;
  /** Connections opened through the proxy so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 that delays every chunk by a configurable time in both directions (a round trip
 * costs twice the delay), for making a real server (Redis) slow without touching it or its client.
 */
export async function startDelayProxy(targetUrl: string, delayMs: number): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  let delay = delayMs;
  let opened = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    opened += 1;
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipeDelayed(client, upstream, () => delay);
    pipeDelayed(upstream, client, () => delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('delay proxy has no port');
  return {
    url: `${target.protocol}//127.0.0.1:${address.port}`,
    port: address.port,
    setDelay(ms) {
      delay = ms;
    },
    connections: () => opened,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Copies `from` to `to`, each chunk released `delay()` ms after it arrived, in arrival order. */
function pipeDelayed(from: Socket, to: Socket, delay: () => number): void {
  let chain = Promise.resolve();
  from.on('data', (chunk) => {
    const due = Date.now() + delay();
    chain = chain.then(async () => {
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!to.destroyed) to.write(chunk);
    });
  });
  from.on('end', () => {
    chain = chain.then(() => {
      if (!to.destroyed) to.end();
    });
  });
}
