import { BlobChunks, ChunkedUpload, type UploadEndpoint } from './chunked-upload.js';
import { classifyRegistryResponse } from './classify-registry-response.js';
import { MANIFEST_MEDIA_TYPES } from './manifest-media-types.js';
import { type OciCredentials, RegistryHttp } from './registry-http.js';
import { readerOf, readerStream, streamedBody } from './upload-streams.js';

export type { OciCredentials } from './registry-http.js';

export interface OciClientOptions {
  /** `https://ghcr.io`, or the sandbox's address. */
  baseUrl: string;
  credentials: OciCredentials;
  fetch?: typeof fetch;
  /**
   * Blobs above this go as resumable PATCH chunks of this size, one chunk held in memory until the registry
   * has it (default 8 MiB: half the memory of 16 for one more request per 8 MiB; ECR wants ≥ 5 MiB).
   */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** The parts of the OCI distribution API a mirror copy needs (requests and authentication: RegistryHttp). */
export class OciClient implements UploadEndpoint {
  private readonly http: RegistryHttp;
  /**
   * The last chunked upload's buffer, for the next blob of the copy: without it each blob leaves a chunk of
   * garbage beside the next one's. Weak, so an idle client does not keep it.
   */
  private spare: WeakRef<Buffer> | undefined;

  constructor(private readonly opts: OciClientOptions) {
    this.http = new RegistryHttp(opts);
  }

  /** The manifest `ref` (tag or digest) points at, bytes as stored; undefined on 404. */
  async getManifest(repo: string, ref: string, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
    const doing = `reading manifest ${repo}:${ref}`;
    const res = await this.http.send(repo, 'pull', `/v2/${repo}/manifests/${ref}`, doing, {
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
    const res = await this.http.send(repo, 'pull', `/v2/${repo}/blobs/${digest}`, doing, {
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
    const res = await this.http.send(
      repo,
      'pull',
      `/v2/${repo}/blobs/${digest}`,
      doing,
      signal ? { signal } : {},
    );
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
    const res = await this.http.send(repo, 'push', `/v2/${repo}/blobs/uploads/?${query}`, doing, {
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
   * one streamed PUT; larger blobs go in PATCH chunks, each streamed as the source delivers it and kept until
   * the registry has it, so a chunk that fails is resumed from the offset the registry reports (`Range`) and
   * nothing it holds is sent again. `session` is an upload already opened (a mount the registry declined).
   */
  async pushBlob(
    repo: string,
    digest: string,
    body: ReadableStream<Uint8Array>,
    size: number,
    opts: { signal?: AbortSignal; session?: string; onBytes?: (n: number) => void } = {},
  ): Promise<{ resumed: number }> {
    const { signal, session, onBytes } = opts;
    const doing = `uploading blob ${digest.slice(0, 19)} to ${repo}`;
    // Locked at once: fetch cancels an unlocked response body once its Response object is collected.
    const { reader, owned } = readerOf(body);
    const chunkBytes = this.opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    try {
      const location = new URL(session ?? (await this.startUpload(repo, doing, signal)), this.opts.baseUrl);
      if (size <= chunkBytes) {
        const stream = readerStream(reader, onBytes);
        await this.finishUpload(repo, digest, location, doing, signal, { stream, size });
        return { resumed: 0 };
      }
      const chunks = new BlobChunks(reader, this.chunkBuffer(chunkBytes), doing, { owned, onBytes });
      const upload = new ChunkedUpload(this, repo, location, doing, signal);
      for (let start = 0; start < size; start += chunkBytes) {
        chunks.next(Math.min(chunkBytes, size - start));
        await upload.send(chunks);
      }
      await chunks.end();
      await this.finishUpload(repo, digest, upload.location, doing, signal);
      // Only after a success: a failed upload may still have a source read in flight into the buffer.
      this.spare = new WeakRef(chunks.buffer);
      return { resumed: upload.resumed };
    } catch (err) {
      // Stop reading the source instead of leaving its response open.
      await reader.cancel().catch(() => undefined);
      throw err;
    }
  }

  private chunkBuffer(bytes: number): Buffer {
    const spare = this.spare?.deref();
    this.spare = undefined;
    return spare?.length === bytes ? spare : Buffer.allocUnsafe(bytes);
  }

  /** POST …/blobs/uploads/: a new session's location. It settles authentication, so the streamed body goes through. */
  private async startUpload(repo: string, doing: string, signal?: AbortSignal): Promise<string> {
    const start = await this.http.send(repo, 'push', `/v2/${repo}/blobs/uploads/`, doing, {
      method: 'POST',
      headers: { 'content-length': '0' },
      ...(signal ? { signal } : {}),
    });
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw await classifyRegistryResponse(start, doing);
    return location;
  }

  /** The closing PUT `?digest=`: with the whole (streamed) body, or empty after PATCH chunks. */
  private async finishUpload(
    repo: string,
    digest: string,
    location: URL,
    doing: string,
    signal?: AbortSignal,
    body?: { stream: ReadableStream<Uint8Array>; size: number },
  ): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.http.raw(url, doing, {
      method: 'PUT',
      headers: {
        ...this.http.authHeader(repo, 'push'),
        'content-type': 'application/octet-stream',
        'content-length': String(body?.size ?? 0),
      },
      ...(body ? streamedBody(body.stream) : {}),
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status !== 201) throw await classifyRegistryResponse(res, doing);
  }

  /** One PATCH of `length` upload bytes at `offset` (Content-Range as the distribution spec has it). */
  async patchUpload(
    repo: string,
    location: URL,
    body: ReadableStream<Uint8Array>,
    length: number,
    offset: number,
    doing: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    return this.http.raw(location, doing, {
      method: 'PATCH',
      headers: {
        ...this.http.authHeader(repo, 'push'),
        'content-type': 'application/octet-stream',
        'content-length': String(length),
        'content-range': `${offset}-${offset + length - 1}`,
      },
      ...streamedBody(body),
      ...(signal ? { signal } : {}),
    });
  }

  /** DELETE of an upload session nobody will use (best effort: the registry expires it anyway). */
  async cancelUpload(repo: string, session: string, signal?: AbortSignal): Promise<void> {
    try {
      const res = await this.http.raw(
        new URL(session, this.opts.baseUrl),
        `cancelling an upload to ${repo}`,
        {
          method: 'DELETE',
          headers: this.http.authHeader(repo, 'push'),
          ...(signal ? { signal } : {}),
        },
      );
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
    const res = await this.http.raw(location, doing, {
      method: 'GET',
      headers: this.http.authHeader(repo, 'push'),
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
    const res = await this.http.send(repo, 'push', `/v2/${repo}/manifests/${ref}`, doing, {
      method: 'PUT',
      headers: { 'content-type': manifest.mediaType },
      body: new Uint8Array(manifest.bytes),
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status !== 201) throw await classifyRegistryResponse(res, doing);
    return res.headers.get('docker-content-digest') ?? '';
  }
}
