import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, serve } from '../shared/http.js';
import { handleResponseUrl } from './handle-response-url.js';
import { type BlockActionsArgs, newBlockActions } from './new-block-actions.js';
import { newSlashCommand, type SlashCommandArgs } from './new-slash-command.js';
import type { RecordedMessage } from './recorded-message.js';
import type { SlackSandboxOptions } from './slack-sandbox-options.js';
import { SlackWorld } from './slack-world.js';
import {
  type DispatchResult,
  type EnvelopeType,
  SocketModeServer,
} from './socket-mode/socket-mode-server.js';
import { createWebApiHandler } from './web-api/handle-web-api.js';

export type { MessageVia, RecordedMessage } from './recorded-message.js';
export type { SandboxUser, SlackSandboxOptions } from './slack-sandbox-options.js';
export type { DispatchResult, EnvelopeType } from './socket-mode/socket-mode-server.js';

export interface SlackSandbox {
  /** `${url}/api/` for WebClient's `slackApiUrl`. */
  apiUrl: string;
  responseUrlBase: string;
  messagesUrl: string;
  /** The bot identity auth.test reports (user id, bot id, app id). */
  bot: { userId: string; botId: string; appId: string; teamDomain: string };
  messages(): RecordedMessage[];
  waitFor(pred: (m: RecordedMessage) => boolean, timeoutMs?: number): Promise<RecordedMessage>;
  newSlashCommand(args: SlashCommandArgs): Record<string, string>;
  newBlockActions(args: BlockActionsArgs): object;
  socketMode: {
    dispatch(envelopeType: EnvelopeType, payload: object): Promise<DispatchResult>;
    forceReconnect(): void;
    connections(): number;
  };
  reset(): void;
  close(): Promise<void>;
}

const RESPOND_PREFIX = '/_sandbox/respond/';
const MESSAGES_PATH = '/_sandbox/messages';

/** Starts the simulated Slack: Web API, response_url endpoints, the message log and Socket Mode, on one port. */
export async function startSlackSandbox(opts: SlackSandboxOptions): Promise<SlackSandbox> {
  if (!opts.botToken.startsWith('xoxb-')) throw new Error('botToken must be an xoxb- token');
  if (!opts.appToken.startsWith('xapp-')) throw new Error('appToken must be an xapp- token');
  let baseUrl = '';
  const world = new SlackWorld(opts, () => `${baseUrl}${RESPOND_PREFIX}`);
  const socket = new SocketModeServer(
    {
      appId: world.identity.appId,
      ackTimeoutMs: opts.socketAckTimeoutMs ?? 3000,
      queueTimeoutMs: opts.socketQueueTimeoutMs ?? 30_000,
    },
    () => baseUrl.replace(/^http/, 'ws'),
  );
  const webApi = createWebApiHandler(world, () => socket.openUrl());

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.pathname.startsWith('/api/') && (req.method === 'POST' || req.method === 'GET')) {
      return webApi(req, res, url.pathname.slice('/api/'.length), url);
    }
    if (url.pathname.startsWith(RESPOND_PREFIX)) {
      return handleResponseUrl(world, req, res, url.pathname.slice(RESPOND_PREFIX.length));
    }
    if (url.pathname === MESSAGES_PATH && req.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? 0);
      return sendJson(
        res,
        200,
        world.store.messages().filter((m) => m.seq > after),
      );
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  };

  const running = await serve(route);
  baseUrl = running.url;
  running.server.on('upgrade', (req, sock, head) => socket.handleUpgrade(req, sock, head));

  return {
    apiUrl: `${baseUrl}/api/`,
    responseUrlBase: `${baseUrl}${RESPOND_PREFIX}`,
    messagesUrl: `${baseUrl}${MESSAGES_PATH}`,
    bot: {
      userId: world.identity.botUserId,
      botId: world.identity.botId,
      appId: world.identity.appId,
      teamDomain: world.identity.teamDomain,
    },
    messages: () => world.store.messages(),
    waitFor: (pred, timeoutMs) => world.store.waitFor(pred, timeoutMs),
    newSlashCommand: (args) => newSlashCommand(world, args),
    newBlockActions: (args) => newBlockActions(world, args),
    socketMode: {
      dispatch: (type, payload) => socket.dispatch(type, payload),
      forceReconnect: () => socket.forceReconnect(),
      connections: () => socket.connections(),
    },
    reset: () => {
      world.reset();
      socket.reset();
    },
    close: async () => {
      await socket.close();
      await running.close();
    },
  };
}
