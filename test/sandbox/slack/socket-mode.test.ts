import { SocketModeClient } from '@slack/socket-mode';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  APP_TOKEN,
  client,
  OPS,
  type SlackFixture,
  silentLogger,
  startFixture,
  USERS,
} from './slack-fixture.js';

const fx: SlackFixture = await startFixture({ socketAckTimeoutMs: 500, socketQueueTimeoutMs: 5000 });
const { slack } = fx;
const clients: SocketModeClient[] = [];
const raws: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.disconnect();
  for (const ws of raws.splice(0)) ws.terminate();
  slack.reset();
});
afterAll(() => slack.close());

interface SlashEvent {
  ack(response?: Record<string, unknown>): Promise<void>;
  body: Record<string, string>;
  envelope_id: string;
  retry_num?: number;
}

/** The official client, reconnecting quickly (its reconnect delay is the ping timeout). */
async function connectOfficial(): Promise<SocketModeClient> {
  const sm = new SocketModeClient({
    appToken: APP_TOKEN,
    logger: silentLogger,
    clientPingTimeout: 300,
    clientOptions: { slackApiUrl: slack.apiUrl },
  });
  clients.push(sm);
  await sm.start();
  return sm;
}

type Frame = Record<string, unknown>;

/** A bare WebSocket on a fresh apps.connections.open URL, collecting frames. */
async function connectRaw(url?: string): Promise<{ ws: WebSocket; frames: Frame[]; next(): Promise<Frame> }> {
  const target = url ?? (await client(slack, APP_TOKEN).apps.connections.open({})).url!;
  const ws = new WebSocket(target);
  ws.on('error', () => {}); // a refused handshake also reports through 'unexpected-response'
  raws.push(ws);
  const frames: Frame[] = [];
  const waiters: Array<(f: Frame) => void> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const next = () => {
    const ready = frames.shift();
    return ready ? Promise.resolve(ready) : new Promise<Frame>((resolve) => waiters.push(resolve));
  };
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, frames, next };
}

function command(): Record<string, string> {
  return slack.newSlashCommand({
    command: '/ops',
    text: 'status',
    userId: USERS.operator.id,
    channelId: OPS,
  });
}

describe('Socket Mode', () => {
  it('opens a local WebSocket URL and greets with hello', async () => {
    const res = await client(slack, APP_TOKEN).apps.connections.open({});
    expect(res.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]+&app_id=A0SANDBOXAPP$/);
    const raw = await connectRaw(res.url);
    expect(await raw.next()).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: expect.objectContaining({ host: expect.any(String) }),
      connection_info: { app_id: slack.bot.appId },
    });
    expect(slack.socketMode.connections()).toBe(1);
  });

  it('accepts a ticket only once', async () => {
    const { url } = await client(slack, APP_TOKEN).apps.connections.open({});
    await connectRaw(url);
    await expect(connectRaw(url)).rejects.toThrow('HTTP 401');
  });

  it('delivers a slash command to the official client and returns its ack payload', async () => {
    const sm = await connectOfficial();
    const fields = command();
    sm.on('slash_commands', async ({ ack, body }: SlashEvent) => {
      expect(body).toEqual(fields);
      await ack({ text: 'queued' });
    });
    await expect(slack.socketMode.dispatch('slash_commands', fields)).resolves.toEqual({
      acked: true,
      response: { text: 'queued' },
    });
  });

  it('delivers a command dispatched during a forced reconnect exactly once, after the new hello', async () => {
    const sm = await connectOfficial();
    const received: string[] = [];
    sm.on('slash_commands', async ({ ack, body }: SlashEvent) => {
      received.push(body.text!);
      await ack();
    });
    const reconnected = new Promise<void>((resolve) =>
      sm.once('reconnecting', () => sm.once('connected', resolve)),
    );
    slack.socketMode.forceReconnect();
    expect(slack.socketMode.connections()).toBe(0);
    const result = await slack.socketMode.dispatch('slash_commands', command());
    await reconnected;
    expect(result).toEqual({ acked: true });
    expect(received).toEqual(['status']);
    expect(slack.socketMode.connections()).toBe(1);
  });

  it('sends disconnect with refresh_requested before closing the socket', async () => {
    const raw = await connectRaw();
    await raw.next();
    const closed = new Promise<number>((resolve) => raw.ws.once('close', (code) => resolve(code)));
    slack.socketMode.forceReconnect();
    expect(await raw.next()).toEqual({
      type: 'disconnect',
      reason: 'refresh_requested',
      debug_info: expect.objectContaining({ host: expect.any(String) }),
    });
    expect(await closed).toBe(1001);
  });

  it('reports an envelope nobody acks in time as not acked', async () => {
    const raw = await connectRaw();
    await raw.next();
    const result = slack.socketMode.dispatch('interactive', { type: 'block_actions' });
    expect(await raw.next()).toMatchObject({ type: 'interactive', accepts_response_payload: true });
    await expect(result).resolves.toEqual({ acked: false });
  });

  it('redelivers an envelope left unacked on a closed socket, with retry_attempt', async () => {
    const first = await connectRaw();
    await first.next();
    const result = slack.socketMode.dispatch('slash_commands', command());
    const envelope = await first.next();
    expect(envelope).not.toHaveProperty('retry_attempt');
    first.ws.close();
    const second = await connectRaw();
    await second.next();
    const again = await second.next();
    expect(again).toMatchObject({
      envelope_id: envelope.envelope_id,
      retry_attempt: 1,
      retry_reason: 'timeout',
    });
    second.ws.send(JSON.stringify({ envelope_id: again.envelope_id, payload: {} }));
    await expect(result).resolves.toEqual({ acked: true });
  });
});
