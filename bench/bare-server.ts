import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The floor to compare the bot with: a bare node:http handler that verifies Slack's signature and answers. */
export async function bareServer(secret: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const ts = String(req.headers['x-slack-request-timestamp']);
      const expected = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      const given = String(req.headers['x-slack-signature']);
      const ok =
        given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_type: 'ephemeral', text: 'ok' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

// Forked with `--serve` (bench/open-loop.ts): its own process, like the web role, reporting its port over IPC.
if (process.argv.includes('--serve') && process.send) {
  const server = await bareServer(process.env.BENCH_SIGNING_SECRET ?? '');
  process.send({ port: (server.address() as AddressInfo).port });
  process.on('disconnect', () => server.close(() => process.exit(0)));
}
