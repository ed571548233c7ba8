import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, serve } from '../shared/http.js';
import { applyViewResponse, type ViewAnswer } from './apply-view-response.js';
import { handleFileUpload, sendFileBytes } from './handle-file-upload.js';
import { handleResponseUrl } from './handle-response-url.js';
import { type BlockActionsArgs, newBlockActions } from './new-block-actions.js';
import { newSlashCommand, type SlashCommandArgs } from './new-slash-command.js';
import { newViewSubmission, type ViewSubmissionArgs } from './new-view-submission.js';
import type { RecordedMessage } from './recorded-message.js';
import type { SlackSandboxOptions } from './slack-sandbox-options.js';
import { SlackWorld } from './slack-world.js';
import {
  type DispatchResult,
  type EnvelopeType,
  SocketModeServer,
} from './socket-mode/socket-mode-server.js';
import { FILES_PRIVATE_PREFIX, UPLOAD_PREFIX } from './web-api/file-methods.js';
import { createWebApiHandler } from './web-api/handle-web-api.js';

export type { ViewAnswer } from './apply-view-response.js';
export { SLACK_UPLOAD_API } from './handle-file-upload.js';
export type { ViewValues } from './new-view-submission.js';
export type { MessageVia, RecordedFile, RecordedMessage } from './recorded-message.js';
export type { SandboxUser, SlackSandboxOptions } from './slack-sandbox-options.js';
export type { DispatchResult, EnvelopeType } from './socket-mode/socket-mode-server.js';

export interface SlackSandbox {
  /** `${url}/api/` for WebClient's `slackApiUrl`. */
  apiUrl: string;
  responseUrlBase: string;
  messagesUrl: string;
  /** `GET ${filesUrl}<file id>` answers a file's bytes (no token needed: the sandbox's own route). */
  filesUrl: string;
  /** The bot identity auth.test reports (user id, bot id, app id). */
  bot: { userId: string; botId: string; appId: string; teamDomain: string };
  messages(): RecordedMessage[];
  /** Every file the bot started uploading, oldest first, with the bytes that arrived. */
  files(): SandboxFile[];
  waitFor(pred: (m: RecordedMessage) => boolean, timeoutMs?: number): Promise<RecordedMessage>;
  newSlashCommand(args: SlashCommandArgs): Record<string, string>;
  newBlockActions(args: BlockActionsArgs): object;
  /** A `view_submission` for an open modal (Submit pressed with `values`); see newViewSubmission. */
  newViewSubmission(args: ViewSubmissionArgs): object;
  /** Applies the bot's answer to a submission as Slack would (close, errors, update …). */
  viewAnswered(viewId: string, reply: { status: number; body: string; ms: number }): ViewAnswer;
  socketMode: {
    dispatch(envelopeType: EnvelopeType, payload: object): Promise<DispatchResult>;
    forceReconnect(): void;
    connections(): number;
  };
  reset(): void;
  close(): Promise<void>;
}

/** A file in the sandbox's workspace, as tests read it. */
export interface SandboxFile {
  id: string;
  name: string;
  /** The `length` files.getUploadURLExternal was given. */
  length: number;
  altText?: string;
  /** What was uploaded, if anything yet. */
  bytes?: Uint8Array;
  /** Set once files.completeUploadExternal shared (or privately kept) it. */
  completed?: { title: string; channels: string[]; ts?: string; threadTs?: string };
}

const RESPOND_PREFIX = '/_sandbox/respond/';
const MESSAGES_PATH = '/_sandbox/messages';
const FILES_PATH = '/_sandbox/files/';

/** Starts the simulated Slack: Web API, response_url endpoints, the message log and Socket Mode, on one port. */
export async function startSlackSandbox(opts: SlackSandboxOptions): Promise<SlackSandbox> {
  if (!opts.botToken.startsWith('xoxb-')) throw new Error('botToken must be an xoxb- token');
  if (!opts.appToken.startsWith('xapp-')) throw new Error('appToken must be an xapp- token');
  let baseUrl = '';
  const world = new SlackWorld(
    opts,
    () => `${baseUrl}${RESPOND_PREFIX}`,
    () => baseUrl,
  );
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
    if (url.pathname.startsWith(UPLOAD_PREFIX)) {
      return handleFileUpload(world, req, res, url.pathname.slice(UPLOAD_PREFIX.length));
    }
    if (url.pathname.startsWith(FILES_PRIVATE_PREFIX)) {
      // `/files-pri/<team>-<file id>/[download/]<name>`
      const id = url.pathname.slice(FILES_PRIVATE_PREFIX.length).split('/')[0]?.split('-')[1] ?? '';
      return sendFileBytes(world, req, res, id, { auth: true });
    }
    if (url.pathname.startsWith(FILES_PATH)) {
      return sendFileBytes(world, req, res, url.pathname.slice(FILES_PATH.length), { auth: false });
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
    filesUrl: `${baseUrl}${FILES_PATH}`,
    bot: {
      userId: world.identity.botUserId,
      botId: world.identity.botId,
      appId: world.identity.appId,
      teamDomain: world.identity.teamDomain,
    },
    messages: () => world.store.messages(),
    files: () =>
      world.files.all().map((f) => ({
        id: f.id,
        name: f.name,
        length: f.length,
        ...(f.altText !== undefined ? { altText: f.altText } : {}),
        ...(f.bytes ? { bytes: new Uint8Array(f.bytes) } : {}),
        ...(f.completed ? { completed: structuredClone(f.completed) } : {}),
      })),
    waitFor: (pred, timeoutMs) => world.store.waitFor(pred, timeoutMs),
    newSlashCommand: (args) => newSlashCommand(world, args),
    newBlockActions: (args) => newBlockActions(world, args),
    newViewSubmission: (args) => newViewSubmission(world, args),
    viewAnswered: (viewId, reply) => applyViewResponse(world, viewId, reply),
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
