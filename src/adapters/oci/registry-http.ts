import { abortReason } from '../../ports/call-options.js';
import { classifyRegistryResponse, unreachable } from './classify-registry-response.js';

export type OciCredentials =
  /** Public images (GHCR): anonymous tokens from the realm the registry's challenge names. */
  | { kind: 'anonymous' }
  /** ECR: `AWS:<password>` from GetAuthorizationToken, presented as Basic (refreshed by the caller). */
  | { kind: 'basic'; get: (signal?: AbortSignal) => Promise<{ user: string; password: string }> };

export type Action = 'pull' | 'push';

/**
 * Requests to one registry over fetch. Authentication follows the registry's `WWW-Authenticate` challenge
 * (Bearer token realm or Basic) instead of assuming one, and the header that worked is kept per repository.
 */
export class RegistryHttp {
  private readonly fetch: typeof fetch;
  /** `<repo>:<action>` → Authorization header that worked. */
  private readonly auth = new Map<string, string>();

  constructor(
    private readonly opts: { baseUrl: string; credentials: OciCredentials; fetch?: typeof fetch | undefined },
  ) {
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  /** The authorization that worked for `repo`, for requests `send` cannot replay (streamed bodies). */
  authHeader(repo: string, action: Action): Record<string, string> {
    const header = this.auth.get(`${repo}:${action}`);
    return header ? { authorization: header } : {};
  }

  /** One request with the cached authorization; on a 401 answers the challenge and tries once more. */
  async send(
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

  async raw(url: URL, doing: string, init: RequestInit): Promise<Response> {
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
