import type { Clock } from '../../shared/clock.js';
import { cfErrors } from './cf-api-error.js';

export interface RateLimit {
  requests: number;
  windowMs: number;
}

interface TokenState {
  /** Times of accepted requests inside the current window, oldest first. */
  seen: number[];
  blockedUntil: number;
}

/**
 * Cloudflare's global API limit: N requests per window per token; going over it blocks every
 * call with that token for a whole window (429 + retry-after). Time comes from the injected clock.
 */
export class RateLimiter {
  private readonly tokens = new Map<string, TokenState>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Counts one request; throws the 429 error when over the limit. Returns the rate-limit headers. */
  take(token: string): Record<string, string> {
    const now = this.clock.now();
    const state = this.stateFor(token);
    if (state.blockedUntil > now) throw cfErrors.rateLimited(this.secondsUntil(state.blockedUntil, now));
    while (state.seen.length > 0 && state.seen[0]! <= now - this.limit.windowMs) state.seen.shift();
    if (state.seen.length >= this.limit.requests) {
      state.blockedUntil = now + this.limit.windowMs;
      state.seen = [];
      throw cfErrors.rateLimited(this.secondsUntil(state.blockedUntil, now));
    }
    state.seen.push(now);
    const resetAt = (state.seen[0] ?? now) + this.limit.windowMs;
    return {
      ratelimit: `"default";r=${this.limit.requests - state.seen.length};t=${this.secondsUntil(resetAt, now)}`,
      'ratelimit-policy': `"default";q=${this.limit.requests};w=${Math.ceil(this.limit.windowMs / 1000)}`,
    };
  }

  reset(): void {
    this.tokens.clear();
  }

  private stateFor(token: string): TokenState {
    let state = this.tokens.get(token);
    if (!state) {
      state = { seen: [], blockedUntil: 0 };
      this.tokens.set(token, state);
    }
    return state;
  }

  private secondsUntil(at: number, now: number): number {
    return Math.max(1, Math.ceil((at - now) / 1000));
  }
}
