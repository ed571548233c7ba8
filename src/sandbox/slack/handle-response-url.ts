import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { applyFault, readBody } from '../shared/http.js';
import { validateBlocks } from './block-kit/validate-blocks.js';
import type { ResponseTarget } from './response-url-registry.js';
import type { SlackWorld } from './slack-world.js';
import { blocksTextLength, MAX_BLOCKS_TEXT_CHARS, MAX_TEXT_CHARS } from './web-api/message-content.js';

export const RESPONSE_URL_API = 'slack:response_url';

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const ResponsePayload = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: flag.optional(),
  delete_original: flag.optional(),
  thread_ts: z.string().optional(),
});
type ResponsePayload = z.infer<typeof ResponsePayload>;

/** Like hooks.slack.com: plain-text answers, `ok` on success, an error code otherwise. */
function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** POST `<responseUrlBase><id>`: records the message with the channel/user of the command or click behind it. */
export async function handleResponseUrl(
  world: SlackWorld,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  if (await applyFault(world.opts.faults, RESPONSE_URL_API, res)) return;
  if (req.method !== 'POST') return sendText(res, 405, 'method_not_allowed');
  let payload: ResponsePayload;
  try {
    payload = ResponsePayload.parse(JSON.parse((await readBody(req)).toString('utf8')));
  } catch {
    return sendText(res, 400, 'invalid_payload');
  }
  if (payload.blocks !== undefined && validateBlocks(payload.blocks).length > 0) {
    return sendText(res, 400, 'invalid_blocks');
  }
  if (payload.blocks !== undefined && blocksTextLength(payload.blocks) > MAX_BLOCKS_TEXT_CHARS)
    return sendText(res, 400, 'msg_blocks_too_long');
  if (payload.text !== undefined && [...payload.text].length > MAX_TEXT_CHARS)
    return sendText(res, 400, 'msg_too_long');
  const hasContent = payload.text !== undefined || (payload.blocks?.length ?? 0) > 0;
  if (!hasContent && !payload.delete_original) return sendText(res, 400, 'no_text');
  const use = world.responseUrls.use(id);
  if (!use.ok) return sendText(res, 404, use.error === 'unknown' ? 'no_service' : use.error);
  recordResponse(world, use.target, payload);
  sendText(res, 200, 'ok');
}

function recordResponse(world: SlackWorld, target: ResponseTarget, payload: ResponsePayload): void {
  const { channel, user, messageTs } = target;
  const replacing = (payload.replace_original || payload.delete_original) && messageTs !== undefined;
  const ts = replacing ? messageTs : world.store.nextTs();
  const responseType = payload.response_type ?? 'ephemeral';
  const text = payload.text ?? '';
  const live = world.store.getLive(channel, ts);
  if (payload.delete_original) {
    world.store.deleteLive(channel, ts);
  } else if (live) {
    world.store.setLive({ ...live, text, blocks: payload.blocks });
  } else if (responseType === 'in_channel') {
    // Posted by Slack on the app's behalf, not with the bot token: chat.update cannot change it.
    world.store.setLive({
      channel,
      ts,
      text,
      blocks: payload.blocks,
      thread_ts: payload.thread_ts,
      byBot: false,
    });
  }
  world.store.record({
    via: 'response_url',
    channel,
    user,
    ts,
    text,
    response_type: responseType,
    ...(payload.thread_ts !== undefined ? { thread_ts: payload.thread_ts } : {}),
    ...(payload.blocks !== undefined ? { blocks: payload.blocks } : {}),
    ...(payload.replace_original ? { replace_original: true } : {}),
    ...(payload.delete_original ? { delete_original: true } : {}),
  });
}
