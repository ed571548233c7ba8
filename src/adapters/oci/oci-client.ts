import { classifyRegistryResponse, unreachable } from './classify-registry-response.js';
import { MANIFEST_MEDIA_TYPES } from './manifest-media-types.js';

export type OciCredentials =
  /** Public images (GHCR): anonymous tokens from the realm the registry's challenge names. */
  | { kind: 'anonymous' }
  /** ECR: `AWS:<password>` from GetAuthorizationToken, presented as Basic (refreshed by the caller). */
  | { kind: 'basic'; get: () => Promise<{ user: string; password: string }> };

export interface OciClientOptions {
  /** `https://ghcr.io`, or the sandbox's address. */
  baseUrl: string;
  credentials: OciCredentials;
  fetch?: typeof fetch;
}

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

  /** POST a new upload session, then PUT the stream with `?digest=` (the registry checks the bytes). */
  async pushBlob(
    repo: string,
    digest: string,
    body: ReadableStream<Uint8Array>,
    size: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const doing = `uploading blob ${digest.slice(0, 19)} to ${repo}`;
    // The session start settles authentication, so the streamed PUT (which cannot be replayed) goes through.
    const start = await this.send(repo, 'push', `/v2/${repo}/blobs/uploads/`, doing, {
      method: 'POST',
      headers: { 'content-length': '0' },
      ...(signal ? { signal } : {}),
    });
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw await classifyRegistryResponse(start, doing);
    const url = new URL(location, this.opts.baseUrl);
    url.searchParams.set('digest', digest);
    const res = await this.raw(url, doing, {
      method: 'PUT',
      headers: {
        ...this.authHeader(repo, 'push'),
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
      body,
      duplex: 'half',
      ...(signal ? { signal } : {}),
    } as RequestInit);
    await res.body?.cancel();
    if (res.status !== 201) throw await classifyRegistryResponse(res, doing);
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
    if (this.opts.credentials.kind === 'basic' && !this.auth.has(`${repo}:${action}`))
      this.auth.set(`${repo}:${action}`, await this.basic());
    const res = await this.raw(url, doing, withAuth());
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate') ?? '';
    await res.body?.cancel();
    this.auth.set(`${repo}:${action}`, await this.answer(challenge, repo, action, doing));
    return this.raw(url, doing, withAuth());
  }

  private async raw(url: URL, doing: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(url, init);
    } catch (err) {
      throw unreachable(err, doing);
    }
  }

  private async basic(): Promise<string> {
    if (this.opts.credentials.kind !== 'basic') throw new Error('no basic credentials');
    const { user, password } = await this.opts.credentials.get();
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async answer(challenge: string, repo: string, action: Action, doing: string): Promise<string> {
    if (/^basic\b/i.test(challenge)) return this.basic();
    const params = parseChallenge(challenge);
    if (!params.realm) throw await classifyRegistryResponse(new Response(null, { status: 401 }), doing);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', `repository:${repo}:${action === 'push' ? 'pull,push' : 'pull'}`);
    const headers: Record<string, string> =
      this.opts.credentials.kind === 'basic' ? { authorization: await this.basic() } : {};
    const res = await this.raw(url, `${doing} (token)`, { headers });
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
