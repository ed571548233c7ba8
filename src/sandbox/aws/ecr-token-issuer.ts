import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.js';

const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

/**
 * Registry passwords handed out by ECR `GetAuthorizationToken` (user `AWS`, valid 12 h). The ECR
 * registry sandbox is started with `auth: { kind: 'basic', check: issuer.check }`.
 */
export class EcrTokenIssuer {
  private readonly issued = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  issue(): { password: string; expiresAt: number } {
    const expiresAt = this.clock.now() + TOKEN_LIFETIME_MS;
    // Shaped like ECR's (base64 JSON with an opaque payload) so it is as long and opaque as the real one.
    const password = Buffer.from(
      JSON.stringify({
        payload: randomBytes(96).toString('base64'),
        datakey: randomBytes(48).toString('base64'),
        version: '2',
        type: 'DATA_KEY',
        expiration: Math.floor(expiresAt / 1000),
      }),
    ).toString('base64');
    this.issued.set(password, expiresAt);
    return { password, expiresAt };
  }

  readonly check = (user: string, pass: string): boolean => {
    const expiresAt = this.issued.get(pass);
    return user === 'AWS' && expiresAt !== undefined && expiresAt > this.clock.now();
  };

  clear(): void {
    this.issued.clear();
  }
}
