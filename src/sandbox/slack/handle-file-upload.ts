import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, readBody } from '../shared/http.js';
import { fileType, SANDBOX_MAX_FILE_BYTES } from './file-store.js';
import type { SlackWorld } from './slack-world.js';

/** Fault API name of the upload URLs (the Web API itself is `slack`). */
export const SLACK_UPLOAD_API = 'slack:upload';

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * The bytes of an upload as Slack's upload service takes them: the raw body, or the first file part
 * of a multipart form (WebClient's uploadV2 sends one, curl's `-F filename=@x.png` another).
 */
async function uploadedBytes(contentType: string, body: Buffer): Promise<Uint8Array | undefined> {
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return new Uint8Array(body);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  for (const [, value] of form)
    if (typeof value !== 'string') return new Uint8Array(await value.arrayBuffer());
  return undefined;
}

/** POST `<upload_url>`: stores the bytes for the file files.getUploadURLExternal issued the URL for. */
export async function handleFileUpload(
  world: SlackWorld,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> {
  if (await applyFault(world.opts.faults, SLACK_UPLOAD_API, res)) return;
  if (req.method !== 'POST') return sendText(res, 405, 'method not allowed');
  let body: Buffer;
  try {
    // Room for the multipart envelope around the largest file.
    body = await readBody(req, SANDBOX_MAX_FILE_BYTES + 64 * 1024);
  } catch {
    return sendText(res, 413, 'file too large');
  }
  const bytes = await uploadedBytes(req.headers['content-type'] ?? '', body);
  if (!bytes) return sendText(res, 400, 'no file in the form');
  const result = world.files.receive(token, bytes);
  if (!result.ok) return sendText(res, 404, 'not found');
  sendText(res, 200, `OK - ${result.size}`);
}

/**
 * GET a completed file's bytes: `url_private` needs the bot token (as Slack's does); the sandbox's own
 * `/_sandbox/files/<id>` (`auth: false`) serves tests and curl without one.
 */
export function sendFileBytes(
  world: SlackWorld,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  opts: { auth: boolean },
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed');
    return;
  }
  if (opts.auth) {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer !== world.opts.botToken) {
      sendText(res, 403, 'forbidden');
      return;
    }
  }
  const file = world.files.get(id);
  const bytes = file?.bytes;
  if (!file || !bytes || (opts.auth && !file.completed)) {
    sendText(res, 404, 'not found');
    return;
  }
  res.writeHead(200, { 'content-type': fileType(file.name).mimetype, 'content-length': bytes.byteLength });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
