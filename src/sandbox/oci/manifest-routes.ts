import type { IncomingMessage } from 'node:http';
import { DIGEST_PATTERN, MANIFEST_MEDIA_TYPES, MediaType, sha256Digest } from './media-types.js';
import { parseManifest } from './parse-manifest.js';
import {
  MAX_MANIFEST_BYTES,
  type RegistryContext,
  readLimitedBody,
  requireRepository,
  sendContent,
  sendEmpty,
} from './registry-context.js';
import { RegistryError } from './registry-errors.js';
import type { StoredManifest } from './registry-store.js';

const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export async function handleManifest(ctx: RegistryContext, repo: string, ref: string): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return getManifest(ctx, repo, ref);
  if (method === 'PUT') return putManifest(ctx, repo, ref);
  throw new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on manifests`);
}

function acceptedTypes(req: IncomingMessage): Set<string> {
  const values = req.headersDistinct.accept ?? [];
  return new Set(values.flatMap((v) => v.split(',')).map((v) => v.split(';')[0]!.trim().toLowerCase()));
}

function getManifest(ctx: RegistryContext, repo: string, ref: string): void {
  ctx.auth.authorize(ctx.req, ctx.baseUrl, { repo, action: 'pull' });
  ctx.onPull?.(repo, ref);
  requireRepository(ctx, repo);
  const resolved = ctx.store.resolve(repo, ref);
  const manifest = resolved ? ctx.store.getManifest(repo, resolved.digest) : undefined;
  if (!resolved || !manifest) throw manifestUnknown(ref);
  const chosen = negotiate(ctx, repo, ref, manifest, acceptedTypes(ctx.req));
  const digest = sha256Digest(chosen.bytes);
  sendContent(ctx, chosen.bytes, {
    'content-type': chosen.mediaType,
    'docker-content-digest': digest,
    etag: `"${digest}"`,
  });
}

/**
 * Content negotiation as the reference registry (distribution) does it: OCI types are only served to
 * clients that accept them; a Docker manifest list fetched by tag by a client that does not accept
 * lists is replaced by its linux/amd64 manifest.
 */
function negotiate(
  ctx: RegistryContext,
  repo: string,
  ref: string,
  manifest: StoredManifest,
  accepted: Set<string>,
): StoredManifest {
  const type = manifest.mediaType;
  if (type === MediaType.ociManifest && !accepted.has(type))
    throw manifestUnknown(ref, 'OCI manifest found, but accept header does not support OCI manifests');
  if (type === MediaType.ociIndex && !accepted.has(type))
    throw manifestUnknown(ref, 'OCI index found, but accept header does not support OCI indexes');
  if (type !== MediaType.dockerList || accepted.has(type) || DIGEST_PATTERN.test(ref)) return manifest;
  const parsed = parseManifest(manifest.bytes, manifest.mediaType);
  const amd64 =
    'error' in parsed || parsed.kind !== 'index'
      ? undefined
      : parsed.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64');
  const child = amd64 ? ctx.store.getManifest(repo, amd64.digest) : undefined;
  if (!child) throw manifestUnknown(ref, 'manifest list has no linux/amd64 manifest for this client');
  return child;
}

function manifestUnknown(ref: string, message = 'manifest unknown'): RegistryError {
  return new RegistryError(
    404,
    'MANIFEST_UNKNOWN',
    message,
    DIGEST_PATTERN.test(ref) ? { Digest: ref } : { Tag: ref },
  );
}

async function putManifest(ctx: RegistryContext, repo: string, ref: string): Promise<void> {
  ctx.auth.authorize(ctx.req, ctx.baseUrl, { repo, action: 'push' });
  requireRepository(ctx, repo);
  const isDigest = ref.startsWith('sha256:');
  if (isDigest ? !DIGEST_PATTERN.test(ref) : !TAG_PATTERN.test(ref))
    throw new RegistryError(400, isDigest ? 'DIGEST_INVALID' : 'TAG_INVALID', `invalid reference "${ref}"`);
  const body = await readLimitedBody(ctx.req, MAX_MANIFEST_BYTES);
  const mediaType = manifestMediaType(ctx.req, body);
  const parsed = parseManifest(body, mediaType);
  if ('error' in parsed) throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid', parsed.error);
  const missing = ctx.store.missingReference(repo, parsed);
  if (missing)
    throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: missing });
  const digest = sha256Digest(body);
  if (isDigest && digest !== ref)
    throw new RegistryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
      expected: ref,
      actual: digest,
    });
  ctx.store.putManifest(repo, body, mediaType, isDigest ? undefined : ref);
  sendEmpty(ctx.res, 201, {
    location: `${ctx.baseUrl}/v2/${repo}/manifests/${digest}`,
    'docker-content-digest': digest,
  });
}

/** The Content-Type names the manifest type; without one, the body's own mediaType is used. */
function manifestMediaType(req: IncomingMessage, body: Buffer): string {
  const header = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (MANIFEST_MEDIA_TYPES.includes(header)) return header;
  if (header === '' || header === 'application/json') {
    try {
      const declared = (JSON.parse(body.toString('utf8')) as { mediaType?: unknown }).mediaType;
      if (typeof declared === 'string' && MANIFEST_MEDIA_TYPES.includes(declared)) return declared;
    } catch {
      // fall through to the unsupported-type error
    }
  }
  throw new RegistryError(
    400,
    'MANIFEST_INVALID',
    'manifest invalid',
    `unsupported manifest media type "${header}"`,
  );
}
