import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, sendJson } from '../../shared/http.js';
import type { SlackWorld } from '../slack-world.js';
import type { ApiArgs } from './api-args.js';
import { chatPostEphemeral, chatPostMessage, chatUpdate } from './chat-methods.js';
import { authTest, conversationsInfo, usergroupsUsersList, usersInfo } from './directory-methods.js';
import { filesCompleteUploadExternal, filesGetUploadURLExternal } from './file-methods.js';
import { conversationsHistory, conversationsReplies } from './history-methods.js';
import { parseApiRequest } from './parse-api-request.js';
import { SlackApiError } from './slack-api-error.js';
import { viewsOpen, viewsPublish, viewsUpdate } from './view-methods.js';

type Json = Record<string, unknown>;
type TokenKind = 'bot' | 'app';

interface Method {
  /** The token the method takes; `none`: callable without one (api.test). */
  token: TokenKind | 'none';
  run(world: SlackWorld, args: ApiArgs): Json;
}

export const SLACK_API = 'slack';

/**
 * api.test: no token needed (any given is ignored); echoes its arguments and, given `error`, fails
 * with that code, as Slack's does.
 */
function apiTest(args: ApiArgs): Json {
  const echoed = Object.keys(args).length > 0 ? { args } : {};
  const error = args.error;
  if (typeof error === 'string' && error !== '') return { ok: false, error, ...echoed };
  return { ok: true, ...echoed };
}

/** Answers an injected fault the way Slack would: `ratelimited` for 429, a bare error otherwise. */
export function slackFaultBody(status: number): Json {
  return { ok: false, error: status === 429 ? 'ratelimited' : 'fatal_error' };
}

/**
 * The Web API at `/api/<method>`. `openSocketUrl` issues a single-use Socket Mode URL
 * (apps.connections.open).
 */
export function createWebApiHandler(world: SlackWorld, openSocketUrl: () => string) {
  const methods: Record<string, Method> = {
    'api.test': { token: 'none', run: (_w, args) => apiTest(args) },
    'auth.test': { token: 'bot', run: (w) => authTest(w) },
    'chat.postMessage': { token: 'bot', run: chatPostMessage },
    'chat.update': { token: 'bot', run: chatUpdate },
    'chat.postEphemeral': { token: 'bot', run: chatPostEphemeral },
    'views.open': { token: 'bot', run: viewsOpen },
    'views.publish': { token: 'bot', run: viewsPublish },
    'views.update': { token: 'bot', run: viewsUpdate },
    'usergroups.users.list': { token: 'bot', run: usergroupsUsersList },
    'users.info': { token: 'bot', run: usersInfo },
    'conversations.info': { token: 'bot', run: conversationsInfo },
    'conversations.history': { token: 'bot', run: conversationsHistory },
    'conversations.replies': { token: 'bot', run: conversationsReplies },
    'files.getUploadURLExternal': { token: 'bot', run: filesGetUploadURLExternal },
    'files.completeUploadExternal': { token: 'bot', run: filesCompleteUploadExternal },
    'apps.connections.open': { token: 'app', run: () => ({ ok: true, url: openSocketUrl() }) },
  };

  const tokenKind = (token: string | undefined): TokenKind => {
    if (token === undefined) throw new SlackApiError('not_authed');
    if (token === world.opts.botToken) return 'bot';
    if (token === world.opts.appToken) return 'app';
    throw new SlackApiError('invalid_auth');
  };

  return async (req: IncomingMessage, res: ServerResponse, methodName: string, url: URL): Promise<void> => {
    if (await applyFault(world.opts.faults, SLACK_API, res, slackFaultBody)) return;
    const method = methods[methodName];
    if (!method) {
      sendJson(res, 200, { ok: false, error: 'unknown_method', req_method: methodName });
      return;
    }
    try {
      const { args, token } = await parseApiRequest(req, url);
      if (method.token !== 'none' && tokenKind(token) !== method.token)
        throw new SlackApiError('not_allowed_token_type');
      sendJson(res, 200, method.run(world, args));
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      const body: Json = { ok: false, error: err.error };
      if (err.messages.length > 0) {
        // Block Kit refusals also list each reason without its "[ERROR] " prefix, as Slack does.
        if (err.error === 'invalid_blocks')
          body.errors = err.messages.map((m) => m.replace(/^\[ERROR\] /, ''));
        body.response_metadata = { messages: err.messages };
      }
      if (err.retryAfterSec !== undefined) {
        sendJson(res, 429, body, { 'retry-after': String(err.retryAfterSec) });
      } else {
        sendJson(res, 200, body);
      }
    }
  };
}
