import type { IncomingMessage } from 'node:http';
import { readBody } from '../../shared/http.js';
import type { ApiArgs } from './api-args.js';
import { SlackApiError } from './slack-api-error.js';

export interface ApiRequest {
  args: ApiArgs;
  /** From `Authorization: Bearer …`, else the `token` argument. */
  token?: string;
}

/** Reads a Web API call as Slack accepts it: query string, form-encoded or JSON body. */
export async function parseApiRequest(req: IncomingMessage, url: URL): Promise<ApiRequest> {
  const args: ApiArgs = Object.fromEntries(url.searchParams);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const body = req.method === 'POST' ? (await readBody(req)).toString('utf8') : '';
  const isJson = body.length > 0 && contentType === 'application/json';
  if (body.length > 0) {
    if (isJson) {
      Object.assign(args, parseJsonBody(body));
    } else if (contentType === 'application/x-www-form-urlencoded' || contentType === '') {
      Object.assign(args, Object.fromEntries(new URLSearchParams(body)));
    } else {
      throw new SlackApiError('invalid_form_data');
    }
  }
  const auth = req.headers.authorization;
  const bearer = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
  // Slack reads a token from JSON bodies only via the Authorization header.
  const bodyToken = !isJson && typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
  delete args.token;
  const token = bearer ?? bodyToken;
  return token === undefined ? { args } : { args, token };
}

function parseJsonBody(body: string): ApiArgs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SlackApiError('invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SlackApiError('invalid_json');
  return parsed as ApiArgs;
}
