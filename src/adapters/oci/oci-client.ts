import { TransientError } from '../../errors/transient-error.js';
import { abortReason } from '../../ports/call-options.js';
import { classifyRegistryResponse, unreachable } from './classify-registry-response.js';
import { MANIFEST_MEDIA_TYPES } from './manifest-media-types.js';

export type OciCredentials =
  /** Public images (GHCR): anonymous tokens from the realm the registry's challenge names. */
  | { kind: 'anonymous' }
  /** ECR: `AWS:<password>` from GetAuthorizationToken, presented as Basic (refreshed by the caller). */
  | { kind: 'basic'; get: (signal?: AbortSignal) => Promise<{ user: string; password: string }> };

export interface OciClientOptions {
  /** `https://ghcr.io`, or the sandbox's address. */
  baseUrl: string;
  credentials: OciCredentials;
  fetch?: typeof fetch;
  /** Blobs above this go as resumable PATCH chunks of this size (default 16 MiB; ECR wants ≥ 5 MiB). */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;
/** Resumptions of one chunk before the copy fails (transient: the job retries, skipping finished blobs). */
const CHUNK_ATTEMPTS = 4;

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

type Action = 'pull' | 'push';

/**
 * The parts of the OCI distribution API a mirror copy needs, over fetch. Authentication follows the
 * registry's `WWW-Authenticate` challenge (Bearer token realm or Basic) instead of assuming one.
 */
export class OciClient {
  private readonly fetch: typeof fetch;
  /** `<repo>:<action>` → Authorization header that worked. */
  private readonly auth = new Map<string, string>();

  constructor(private readonly opts: OciClientOptions) {
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  /** The manifest `ref` (tag or digest) points at, bytes as stored; undefined on 404. */
  async getManifest(repo: string, ref: string, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
    const doing = `reading manifest ${repo}:${ref}`;
    const res = await this.send(repo, 'pull', `/v2/${repo}/manifests/${ref}`, doing, {
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) throw await classifyRegistryResponse(res, doing);
    const bytes = Buffer.from(await res.arrayBuffer());
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const digest = res.headers.get('docker-content-digest') ?? '';
    return { bytes, mediaType, digest };
  }

  async hasBlob(repo: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    const doing = `checking blob ${digest.slice(0, 19)} in ${repo}`;
    const res = await this.send(repo, 'pull', `/v2/${repo}/blobs/${digest}`, doing, {
      method: 'HEAD',
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) throw await classifyRegistryResponse(res, doing);
    return true;
  }

  /** A blob as a stream: the caller pipes it on without holding it in memory. */
  async openBlob(repo: string, digest: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const doing = `reading blob ${digest.slice(0, 19)} from ${repo}`;
    const res = await this.send(repo, 'pull', `/v2/${repo}/blobs/${digest}`, doing, signal ? { signal } : {});
    if (!res.ok || !res.body) throw await classifyRegistryResponse(res, doing);
    return res.body;
  }

  /**
   * Cross-repository mount (`POST …/blobs/uploads/?mount=<digest>&from=<repo>`): true when the registry linked
   * the blob (201). Otherwise (202: it cannot mount) the session it opened is returned for the upload.
   */
  async mountBlob(
    repo: string,
    digest: string,
    from: string,
    signal?: AbortSignal,
  ): Promise<{ mounted: true } | { mounted: false; session: string }> {
    const doing = `mounting blob ${digest.slice(0, 19)} from ${from} into ${repo}`;
    const query = new URLSearchParams({ mount: digest, from });
    const res = await this.send(repo, 'push', `/v2/${repo}/blobs/uploads/?${query}`, doing, {
      method: 'POST',
      headers: { 'content-length': '0' },
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status === 201) return { mounted: true };
    const location = res.headers.get('location');
    if (res.status !== 202 || !location) throw await classifyRegistryResponse(res, doing);
    return { mounted: false, session: location };
  }

  /**
   * Uploads a blob from a stream (the registry checks the bytes against `digest`). Up to `chunkBytes` it is
   * one streamed PUT; larger blobs go in PATCH chunks, each sent while the next is read, and a chunk that
   * fails is resumed from the offset the registry reports (`Range`), so nothing it holds is sent again.
   * `session` is an upload already opened (a mount the registry declined).
   */
  async pushBlob(
    repo: string,
    digest: string,
    body: ReadableStream<Uint8Array>,
    size: number,
    signal?: AbortSignal,
    session?: string,
  ): Promise<{ resumed: number }> {
    const doing = `uploading blob ${digest.slice(0, 19)} to ${repo}`;
    let location = session;
    if (!location) {
      // The session start settles authentication, so the streamed body (which cannot be replayed) goes through.
      const start = await this.send(repo, 'push', `/v2/${repo}/blobs/uploads/`, doing, {
        method: 'POST',
        headers: { 'content-length': '0' },
        ...(signal ? { signal } : {}),
      });
      await start.body?.cancel();
      location = start.headers.get('location') ?? undefined;
      if (start.status !== 202 || !location) throw await classifyRegistryResponse(start, doing);
    }
    const chunkBytes = this.opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (size <= chunkBytes) {
      await this.finishUpload(repo, digest, new URL(location, this.opts.baseUrl), doing, signal, body, size);
      return { resumed: 0 };
    }
    const upload = new ChunkedUpload(this, repo, new URL(location, this.opts.baseUrl), doing, signal);
    const reader = chunksOf(body, chunkBytes);
    let next = reader.next();
    try {
      for (;;) {
        const chunk = await next;
        if (chunk.done) break;
        // Read ahead while this chunk is on the wire: source and destination stay busy together.
        next = reader.next();
        await upload.send(chunk.value);
      }
    } catch (err) {
      // Stop reading the source once the read ahead settles (its failure is not this one's).
      void next.then(() => reader.return(undefined)).catch(() => undefined);
      throw err;
    }
    await this.finishUpload(repo, digest, upload.location, doing, signal);
    return { resumed: upload.resumed };
  }

  /** The closing PUT `?digest=`: with the whole (streamed) body, or empty after PATCH chunks. */
  private async finishUpload(
    repo: string,
    digest: string,
    location: URL,
    doing: string,
    signal?: AbortSignal,
    body?: ReadableStream<Uint8Array>,
    size = 0,
  ): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.raw(url, doing, {
      method: 'PUT',
      headers: {
        ...this.authHeader(repo, 'push'),
        'content-type': 'application/octet-stream',
        'content-length': String(body ? size : 0),
      },
      ...(body ? { body, duplex: 'half' } : {}),
      ...(signal ? { signal } : {}),
    } as RequestInit);
    await res.body?.cancel();
    if (res.status !== 201) throw await classifyRegistryResponse(res, doing);
  }

  /** One PATCH of upload bytes at `offset` (Content-Range as the distribution spec has it). */
  async patchUpload(
    repo: string,
    location: URL,
    bytes: Uint8Array,
    offset: number,
    doing: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    return this.raw(location, doing, {
      method: 'PATCH',
      headers: {
        ...this.authHeader(repo, 'push'),
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        'content-range': `${offset}-${offset + bytes.byteLength - 1}`,
      },
      body: bytes,
      ...(signal ? { signal } : {}),
    });
  }

  /** DELETE of an upload session nobody will use (best effort: the registry expires it anyway). */
  async cancelUpload(repo: string, session: string, signal?: AbortSignal): Promise<void> {
    try {
      const res = await this.raw(new URL(session, this.opts.baseUrl), `cancelling an upload to ${repo}`, {
        method: 'DELETE',
        headers: this.authHeader(repo, 'push'),
        ...(signal ? { signal } : {}),
      });
      await res.body?.cancel();
    } catch (err) {
      if (signal?.aborted) throw err;
    }
  }

  /** GET on an upload session: how many bytes the registry holds (its `Range: 0-<last>`), and where to go on. */
  async uploadStatus(
    repo: string,
    location: URL,
    doing: string,
    signal?: AbortSignal,
  ): Promise<{ held: number; location: URL }> {
    const res = await this.raw(location, doing, {
      method: 'GET',
      headers: this.authHeader(repo, 'push'),
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status !== 204) throw await classifyRegistryResponse(res, `${doing} (upload status)`);
    const range = /^(?:bytes=)?0-(\d+)$/.exec(res.headers.get('range') ?? '');
    const next = res.headers.get('location');
    return {
      // "0-0" is both nothing and one byte; reading it as nothing at worst re-sends one byte (refused as 416).
      held: range && range[1] !== '0' ? Number(range[1]) + 1 : 0,
      location: next ? new URL(next, this.opts.baseUrl) : location,
    };
  }

  /** PUT a manifest with its original bytes and media type; returns the digest the registry computed. */
  async putManifest(
    repo: string,
    ref: string,
    manifest: { bytes: Buffer; mediaType: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const doing = `pushing manifest ${repo}:${ref}`;
    const res = await this.send(repo, 'push', `/v2/${repo}/manifests/${ref}`, doing, {
      method: 'PUT',
      headers: { 'content-type': manifest.mediaType },
      body: new Uint8Array(manifest.bytes),
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status !== 201) throw await classifyRegistryResponse(res, doing);
    return res.headers.get('docker-content-digest') ?? '';
  }

  private authHeader(repo: string, action: Action): Record<string, string> {
    const header = this.auth.get(`${repo}:${action}`);
    return header ? { authorization: header } : {};
  }

  /** One request with the cached authorization; on a 401 answers the challenge and tries once more. */
  private async send(
    repo: string,
    action: Action,
    path: string,
    doing: string,
    init: RequestInit,
  ): Promise<Response> {
    const url = new URL(path, this.opts.baseUrl);
    const withAuth = () => ({
      ...init,
      headers: { ...(init.headers ?? {}), ...this.authHeader(repo, action) },
    });
    const signal = init.signal ?? undefined;
    if (this.opts.credentials.kind === 'basic' && !this.auth.has(`${repo}:${action}`))
      this.auth.set(`${repo}:${action}`, await this.basic(signal));
    const res = await this.raw(url, doing, withAuth());
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate') ?? '';
    await res.body?.cancel();
    this.auth.set(`${repo}:${action}`, await this.answer(challenge, repo, action, doing, signal));
    return this.raw(url, doing, withAuth());
  }

  private async raw(url: URL, doing: string, init: RequestInit): Promise<Response> {
    if (init.signal?.aborted) throw abortReason(init.signal);
    try {
      return await this.fetch(url, init);
    } catch (err) {
      // The caller's abort (a lost lock) is its own reason, never "unreachable" (which would be retried).
      if (init.signal?.aborted) throw abortReason(init.signal);
      throw unreachable(err, doing);
    }
  }

  private async basic(signal?: AbortSignal): Promise<string> {
    if (this.opts.credentials.kind !== 'basic') throw new Error('no basic credentials');
    const { user, password } = await this.opts.credentials.get(signal);
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async answer(
    challenge: string,
    repo: string,
    action: Action,
    doing: string,
    signal?: AbortSignal,
  ): Promise<string> {
    if (/^basic\b/i.test(challenge)) return this.basic(signal);
    const params = parseChallenge(challenge);
    if (!params.realm) throw await classifyRegistryResponse(new Response(null, { status: 401 }), doing);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', `repository:${repo}:${action === 'push' ? 'pull,push' : 'pull'}`);
    const headers: Record<string, string> =
      this.opts.credentials.kind === 'basic' ? { authorization: await this.basic(signal) } : {};
    const res = await this.raw(url, `${doing} (token)`, { headers, ...(signal ? { signal } : {}) });
    if (!res.ok) throw await classifyRegistryResponse(res, `${doing} (token)`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token endpoint gave no token while ${doing}`);
    return `Bearer ${token}`;
  }
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^\s*\w+\s+/, '').matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * The PATCH side of a chunked upload: where the session is, what the registry holds, and the resumption of a
 * chunk that failed from the registry's own count of bytes.
 */
class ChunkedUpload {
  offset = 0;
  resumed = 0;

  constructor(
    private readonly client: OciClient,
    private readonly repo: string,
    public location: URL,
    private readonly doing: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async send(chunk: Uint8Array): Promise<void> {
    const start = this.offset;
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      let failure: Error;
      try {
        const res = await this.client.patchUpload(
          this.repo,
          this.location,
          chunk.subarray(sent),
          start + sent,
          this.doing,
          this.signal,
        );
        await res.body?.cancel();
        if (res.status === 202) {
          const next = res.headers.get('location');
          if (next) this.location = new URL(next, this.location);
          this.offset = start + chunk.byteLength;
          return;
        }
        failure = await classifyRegistryResponse(res, this.doing);
        // Only a failure that may pass (5xx, 429, a cut connection) is worth resuming; a 4xx is final.
        if (!(failure instanceof TransientError) && res.status !== 416) throw failure;
      } catch (err) {
        if (this.signal?.aborted || !(err instanceof TransientError)) throw err;
        failure = err;
      }
      if (attempt >= CHUNK_ATTEMPTS) throw failure;
      const status = await this.client.uploadStatus(this.repo, this.location, this.doing, this.signal);
      // The registry lost bytes it had acknowledged, or holds more than was sent: start the blob over.
      if (status.held < start || status.held > start + chunk.byteLength)
        throw new TransientError(
          `registry holds ${status.held} bytes of an upload at ${start}–${start + chunk.byteLength} while ${this.doing}`,
        );
      this.location = status.location;
      sent = status.held - start;
      this.resumed++;
    }
  }
}

/** A byte stream cut into chunks of exactly `size` bytes (the last may be shorter), copied once each. */
async function* chunksOf(stream: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  // Two buffers in turn: one on the wire while the other fills (the caller sends a chunk before asking for
  // the one after next), so memory stays at two chunks however large the blob.
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let turn = 0;
  let buffer = buffers[0]!;
  let filled = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let at = 0;
      while (at < value.byteLength) {
        const n = Math.min(size - filled, value.byteLength - at);
        buffer.set(value.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === size) {
          yield buffer;
          turn ^= 1;
          buffer = buffers[turn]!;
          filled = 0;
        }
      }
    }
    finished = true;
    if (filled > 0) yield buffer.subarray(0, filled);
  } finally {
    // Left early (the upload failed): cancel the source response instead of leaving it open.
    if (finished) reader.releaseLock();
    else await reader.cancel().catch(() => undefined);
  }
}
