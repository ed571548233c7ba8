import { performance } from 'node:perf_hooks';
import { signSlackRequest } from './sign-request.js';

export interface BotReply {
  status: number;
  body: string;
  /** Round-trip time of the request, for ack-latency checks. */
  ms: number;
}

export interface SendOptions {
  /** Sets `X-Slack-Retry-Num` (and `X-Slack-Retry-Reason: http_timeout`) as on Slack's redeliveries. */
  retryNum?: number;
  /** Defaults to now; set an old value to exercise the 5-minute replay window. */
  timestampSec?: number;
}

async function postSigned(
  eventsUrl: string,
  signingSecret: string,
  body: string,
  opts: SendOptions,
): Promise<BotReply> {
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    accept: 'application/json,*/*',
    ...signSlackRequest(signingSecret, body, timestampSec),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = performance.now();
  const res = await fetch(eventsUrl, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text, ms: performance.now() - started };
}

/** POSTs slash-command fields form-encoded and signed, as Slack does. */
export function postSlashCommand(
  eventsUrl: string,
  signingSecret: string,
  fields: Record<string, string>,
  opts: SendOptions = {},
): Promise<BotReply> {
  return postSigned(eventsUrl, signingSecret, new URLSearchParams(fields).toString(), opts);
}

/** POSTs an interactivity payload as `payload=<json>`, signed, as Slack does. */
export function postInteraction(
  eventsUrl: string,
  signingSecret: string,
  payload: object,
  opts: SendOptions = {},
): Promise<BotReply> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(eventsUrl, signingSecret, body, opts);
}
