import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../shared/clock.js';
import { RegistryError } from './registry-errors.js';

export type RegistryAuthConfig =
  /** GHCR-like: anonymous pull tokens from `<url>/token`, presented as `Bearer`. */
  | { kind: 'anonymous-token' }
  /** ECR-like: `Basic AWS:<password from GetAuthorizationToken>`. */
  | { kind: 'basic'; check: (user: string, pass: string) => boolean };

export type RegistryAction = 'pull' | 'push';

export interface AccessScope {
  repo: string;
  action: RegistryAction;
}

interface IssuedToken {
  expiresAt: number;
  /** repository → granted actions */
  grants: Map<string, Set<string>>;
}

const TOKEN_TTL_SECONDS = 300;

/** Authentication for one registry instance: challenges, the token endpoint, per-request checks. */
export class RegistryAuth {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly config: RegistryAuthConfig,
    private readonly clock: Clock,
  ) {}

  get usesTokens(): boolean {
    return this.config.kind === 'anonymous-token';
  }

  /** `GET /token?service=…&scope=repository:<name>:pull[,push]`: anonymous callers only ever get pull. */
  issueToken(url: URL): { token: string; access_token: string; expires_in: number; issued_at: string } {
    const grants = new Map<string, Set<string>>();
    for (const scope of url.searchParams.getAll('scope')) {
      const match = /^repository:(.+):([a-z,*]+)$/.exec(scope);
      if (match?.[2]?.split(',').includes('pull')) grants.set(match[1]!, new Set(['pull']));
    }
    const token = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    this.tokens.set(token, { expiresAt: now + TOKEN_TTL_SECONDS * 1000, grants });
    return {
      token,
      access_token: token,
      expires_in: TOKEN_TTL_SECONDS,
      issued_at: new Date(now).toISOString(),
    };
  }

  /** Throws a 401 `RegistryError` carrying the challenge when the request may not do `scope`. */
  authorize(req: IncomingMessage, baseUrl: string, scope?: AccessScope): void {
    const header = req.headers.authorization ?? '';
    if (this.config.kind === 'basic') {
      if (!this.basicOk(header, this.config.check)) throw this.challenge(baseUrl, scope);
      return;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw this.challenge(baseUrl, scope);
    const issued = this.tokens.get(match[1]!);
    if (!issued || issued.expiresAt <= this.clock.now())
      throw this.challenge(baseUrl, scope, 'invalid_token');
    if (scope && !issued.grants.get(scope.repo)?.has(scope.action))
      throw this.challenge(baseUrl, scope, 'insufficient_scope');
  }

  reset(): void {
    this.tokens.clear();
  }

  private basicOk(header: string, check: (user: string, pass: string) => boolean): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(header);
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 && check(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  private challenge(baseUrl: string, scope?: AccessScope, error?: string): RegistryError {
    const host = new URL(baseUrl).host;
    const actions = scope?.action === 'push' ? 'pull,push' : 'pull';
    const value =
      this.config.kind === 'basic'
        ? `Basic realm="${baseUrl}/",service="ecr.amazonaws.com"`
        : [
            `Bearer realm="${baseUrl}/token"`,
            `service="${host}"`,
            ...(scope ? [`scope="repository:${scope.repo}:${actions}"`] : []),
            ...(error ? [`error="${error}"`] : []),
          ].join(',');
    const detail = scope ? [{ Type: 'repository', Name: scope.repo, Action: scope.action }] : undefined;
    return new RegistryError(401, 'UNAUTHORIZED', 'authentication required', detail, {
      'www-authenticate': value,
    });
  }
}
