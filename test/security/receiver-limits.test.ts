import { randomBytes } from 'node:crypto';
import { request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/sign-request.js';
import {
  type ReceiverLimits,
  type RejectedRequest,
  SignedHttpReceiver,
} from '../../src/slack/signed-http-receiver.js';
import { silentLogger } from '../sandbox/slack/slack-fixture.js';

const SECRET = randomBytes(16).toString('hex');
const BOT_TOKEN = ['xox', 'b-receiver-limits'].join('');
const MiB = 1024 * 1024;

interface Running {
  port: number;
  server: Server;
  rejected: RejectedRequest[];
  stop(): Promise<void>;
}

const running: Running[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const r of running.splice(0)) await r.stop();
});

/** The receiver inside a real Bolt app that registers nothing, so every command is unknown to it. */
async function startReceiver(limits: Partial<ReceiverLimits>): Promise<Running> {
  const rejected: RejectedRequest[] = [];
  const receiver = new SignedHttpReceiver({
    signingSecret: SECRET,
    logger: silentLogger,
    host: '127.0.0.1',
    known: { command: () => false, action: () => false, view: () => false, event: () => false },
    onRejected: (r) => rejected.push(r),
    limits,
  });
  const app = new App({
    token: BOT_TOKEN,
    receiver,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
  });
  const server = (await app.start(0)) as Server;
  const r = { port: receiver.port(), server, rejected, stop: () => app.stop().then(() => undefined) };
  running.push(r);
  return r;
}

/** A raw TCP client; resolves with everything the server sent once it closes the connection. */
function rawClient(port: number): { socket: Socket; closed: Promise<string>; connected: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (d) => {
    received += d.toString();
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  const connected = new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  return { socket, closed, connected };
}

/**
 * Streams `total` bytes from one reused 64 KiB chunk (so the client itself holds no large buffer),
 * honouring backpressure; resolves with the status of the answer, or the error if none came.
 */
function sendLargeBody(port: number, total: number, chunked: boolean): Promise<number | string> {
  const ts = Math.floor(Date.now() / 1000);
  // A signature over the empty body: only the size should decide the answer.
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...signSlackRequest(SECRET, '', ts),
  };
  if (!chunked) headers['content-length'] = total;
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/slack/events', headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

describe('the Slack endpoint refuses oversized bodies while they arrive', () => {
  it('answers 413 to a 20 MB body, declared or chunked, without holding it in memory', async () => {
    const { port, rejected } = await startReceiver({});
    const before = process.memoryUsage();
    let peakBuffers = before.arrayBuffers;
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
      peakRss = Math.max(peakRss, m.rss);
    }, 2);
    try {
      expect(await sendLargeBody(port, 20 * MiB, false)).toBe(413);
      expect(await sendLargeBody(port, 20 * MiB, true)).toBe(413);
    } finally {
      clearInterval(sampler);
    }
    // Buffering the body would take 20 MB of Buffers (40 MB once concatenated).
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(4 * MiB);
    expect(peakRss - before.rss).toBeLessThan(12 * MiB);
    expect(rejected.map((r) => r.reason)).toEqual(['oversized', 'oversized']);
    expect(rejected.every((r) => !r.authenticated)).toBe(true);
  });
});

describe('slow clients cannot hold the server', () => {
  const quick = { headersTimeoutMs: 300, requestTimeoutMs: 600, timeoutCheckMs: 50 };

  it('closes a connection whose headers never finish, with 408', async () => {
    const { port, rejected } = await startReceiver(quick);
    const client = rawClient(port);
    client.socket.write('POST /slack/events HTTP/1.1\r\nHost: opsbot\r\nContent-Type: applica');
    const answer = await client.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(rejected.map((r) => r.reason)).toContain('slow-client');
  });

  it('closes a connection that sends its headers and then stalls the body', async () => {
    const { port, rejected } = await startReceiver(quick);
    const client = rawClient(port);
    client.socket.write(
      'POST /slack/events HTTP/1.1\r\nHost: opsbot\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        `X-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\n` +
        'Content-Length: 1000\r\n\r\npayload=',
    );
    await client.closed;
    expect(client.socket.destroyed).toBe(true);
    expect(rejected.map((r) => r.reason)).toContain('slow-client');
  });

  it('does not let a stalled client hold up shutdown', async () => {
    const r = await startReceiver({});
    const client = rawClient(r.port);
    await client.connected;
    client.socket.write(
      'POST /slack/events HTTP/1.1\r\nHost: opsbot\r\n' +
        `X-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\n` +
        'Content-Length: 100\r\n\r\npay',
    );
    await waitFor(async () => (await connections(r.server)) === 1);
    const started = Date.now();
    await r.stop();
    running.splice(running.indexOf(r), 1);
    // The request timeout (15 s) would cut it off eventually; shutdown gives it only a short grace.
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.closed;
  });

  it('refuses connections beyond the cap, and serves again once they are gone', async () => {
    const { port, server, rejected } = await startReceiver({ maxConnections: 3 });
    const stalled = [rawClient(port), rawClient(port), rawClient(port)];
    await Promise.all(stalled.map((c) => c.connected));
    for (const c of stalled) c.socket.write('POST /slack/events HTTP/1.1\r\n');
    await waitFor(async () => (await connections(server)) === 3);
    const extra = rawClient(port);
    expect(await extra.closed).toBe('');
    expect(rejected.map((r) => r.reason)).toEqual(['connection-cap']);
    for (const c of stalled) c.socket.destroy();
    await waitFor(async () => (await connections(server)) === 0);
    const fields = new URLSearchParams({
      command: '/foo',
      user_id: 'U1',
      channel_id: 'C1',
      text: '',
    }).toString();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest(SECRET, fields, Math.floor(Date.now() / 1000)),
      },
      body: fields,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/foo is not a command opsbot knows');
  });
});

function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
