import { DIGEST_PATTERN, sha256Digest } from './media-types.js';
import {
  type RegistryContext,
  readLimitedBody,
  requireRepository,
  sendContent,
  sendEmpty,
} from './registry-context.js';
import { RegistryError } from './registry-errors.js';
import type { UploadSession } from './upload-sessions.js';

const MAX_BLOB_BYTES = 64 * 1024 * 1024;

export function handleBlob(ctx: RegistryContext, repo: string, digest: string): void {
  const method = ctx.req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD')
    throw new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on blobs`);
  if (!DIGEST_PATTERN.test(digest))
    throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest });
  ctx.auth.authorize(ctx.req, ctx.baseUrl, { repo, action: 'pull' });
  requireRepository(ctx, repo);
  const blob = ctx.store.getBlob(repo, digest);
  if (!blob) throw new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  sendContent(ctx, blob, {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    etag: `"${digest}"`,
  });
}

export async function handleUpload(ctx: RegistryContext, repo: string, id: string): Promise<void> {
  ctx.auth.authorize(ctx.req, ctx.baseUrl, { repo, action: 'push' });
  requireRepository(ctx, repo);
  const method = ctx.req.method ?? 'GET';
  if (id === '') {
    if (method !== 'POST') throw new RegistryError(405, 'UNSUPPORTED', `${method} is not supported here`);
    return startUpload(ctx, repo);
  }
  const session = ctx.uploads.get(repo, id);
  if (!session)
    throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
  const location = `${ctx.baseUrl}/v2/${repo}/blobs/uploads/${id}`;
  const progress = () => ({
    location,
    range: `0-${Math.max(0, session.size - 1)}`,
    'docker-upload-uuid': id,
  });
  if (method === 'GET') return sendEmpty(ctx.res, 204, progress());
  if (method === 'DELETE') {
    ctx.uploads.finish(id);
    return sendEmpty(ctx.res, 204, {});
  }
  if (method === 'PATCH') {
    checkContentRange(ctx, session.size);
    if (!(await readUploadBody(ctx, session))) return;
    return sendEmpty(ctx.res, 202, progress());
  }
  if (method !== 'PUT') throw new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on uploads`);
  if (!(await readUploadBody(ctx, session))) return;
  completeUpload(ctx, repo, Buffer.concat(session.chunks));
  ctx.uploads.finish(id);
}

/** POST: cross-repository mount, monolithic upload (`?digest=`), or a new upload session. */
async function startUpload(ctx: RegistryContext, repo: string): Promise<void> {
  const url = new URL(ctx.req.url ?? '/', ctx.baseUrl);
  const mount = url.searchParams.get('mount');
  const from = url.searchParams.get('from');
  if (mount && from && DIGEST_PATTERN.test(mount) && ctx.store.mountBlob(from, repo, mount)) {
    if (ctx.traffic) ctx.traffic.mounted++;
    return sendEmpty(ctx.res, 201, {
      location: `${ctx.baseUrl}/v2/${repo}/blobs/${mount}`,
      'docker-content-digest': mount,
    });
  }
  if (url.searchParams.has('digest')) {
    const body = await readLimitedBody(ctx.req, MAX_BLOB_BYTES);
    if (ctx.traffic) ctx.traffic.uploadedBytes += body.length;
    return completeUpload(ctx, repo, body);
  }
  const id = ctx.uploads.start(repo);
  sendEmpty(ctx.res, 202, {
    location: `${ctx.baseUrl}/v2/${repo}/blobs/uploads/${id}`,
    range: '0-0',
    'docker-upload-uuid': id,
  });
}

/** Verifies `?digest=` against the uploaded bytes, then stores the blob. */
function completeUpload(ctx: RegistryContext, repo: string, bytes: Buffer): void {
  const expected = new URL(ctx.req.url ?? '/', ctx.baseUrl).searchParams.get('digest') ?? '';
  if (!DIGEST_PATTERN.test(expected))
    throw new RegistryError(400, 'DIGEST_INVALID', 'digest parameter missing or invalid', {
      digest: expected,
    });
  const actual = sha256Digest(bytes);
  if (actual !== expected)
    throw new RegistryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
      expected,
      actual,
    });
  ctx.store.putBlob(repo, bytes);
  sendEmpty(ctx.res, 201, {
    location: `${ctx.baseUrl}/v2/${repo}/blobs/${actual}`,
    'docker-content-digest': actual,
  });
}

/**
 * Appends a PATCH/PUT body to the session as it arrives, counting it. When a cut is armed and the session
 * reaches it, the bytes up to the cut are kept (as a registry that wrote them to storage does) and the
 * connection is reset without an answer: false, nothing more to send.
 */
async function readUploadBody(ctx: RegistryContext, session: UploadSession): Promise<boolean> {
  let size = 0;
  for await (const piece of ctx.req) {
    const chunk = piece as Buffer;
    size += chunk.length;
    if (size > MAX_BLOB_BYTES)
      throw new RegistryError(413, 'SIZE_INVALID', `body exceeds ${MAX_BLOB_BYTES} bytes`);
    const cut = ctx.traffic?.cutAt;
    if (cut !== undefined && session.size + chunk.length >= cut) {
      // Only the bytes kept count: what a resumed upload sends again shows as a surplus.
      ctx.traffic!.cutAt = undefined;
      ctx.traffic!.uploadedBytes += cut - session.size;
      ctx.uploads.append(session, chunk.subarray(0, cut - session.size));
      ctx.req.socket.destroy();
      return false;
    }
    if (ctx.traffic) ctx.traffic.uploadedBytes += chunk.length;
    ctx.uploads.append(session, chunk);
  }
  return true;
}

/** Chunks must arrive in order: a Content-Range not starting at the current size is refused. */
function checkContentRange(ctx: RegistryContext, size: number): void {
  const header = ctx.req.headers['content-range'];
  if (!header) return;
  const match = /^(?:bytes )?(\d+)-(\d+)$/.exec(header);
  if (!match || Number(match[1]) !== size)
    throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', 'blob upload invalid', { range: header, size });
}
