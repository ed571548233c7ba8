/**
 * Fault injection shared by every simulated API. An API is named by a string such as
 * `kube:us-east-2`, `cloudflare`, `eks`, `sts`, `ecr`, `registry:ghcr`, `registry:ecr`,
 * `coder`, `litellm`, `slack`. Each server calls `take(api)` once per incoming request.
 */
export interface FaultSpec {
  /** HTTP status to answer with (429, 500, 503 …). */
  status: number;
  /** How many of the next requests fail. */
  count: number;
  /** The `retry-after` header (429 only): seconds, or a string sent as is (e.g. an HTTP date). */
  retryAfter?: number | string;
  /** Only requests with one of these methods fail (e.g. writes but not reads); all when unset. */
  methods?: string[];
  /** Let this many matching requests through first (e.g. fail the second of two batches). */
  after?: number;
}

export interface TakenFault {
  status?: number;
  retryAfter?: number | string;
  delayMs: number;
}

export class Faults {
  private readonly failures = new Map<string, FaultSpec>();
  private readonly latency = new Map<string, number>();
  private readonly unreachable = new Set<string>();

  fail(api: string, spec: FaultSpec): void {
    this.failures.set(api, { ...spec });
  }

  slow(api: string, delayMs: number): void {
    if (delayMs <= 0) this.latency.delete(api);
    else this.latency.set(api, delayMs);
  }

  /** Requests to an unreachable API get their socket destroyed without an answer. */
  setUnreachable(api: string, down: boolean): void {
    if (down) this.unreachable.add(api);
    else this.unreachable.delete(api);
  }

  isUnreachable(api: string): boolean {
    return this.unreachable.has(api);
  }

  /** Consumes one injected failure for `api`, if any, and reports latency to add. */
  take(api: string, method?: string): TakenFault {
    const delayMs = this.latency.get(api) ?? 0;
    const spec = this.failures.get(api);
    if (!spec || (spec.methods && !spec.methods.includes(method ?? ''))) return { delayMs };
    if (spec.after) {
      spec.after -= 1;
      return { delayMs };
    }
    spec.count -= 1;
    if (spec.count <= 0) this.failures.delete(api);
    return {
      status: spec.status,
      delayMs,
      ...(spec.retryAfter !== undefined ? { retryAfter: spec.retryAfter } : {}),
    };
  }

  reset(): void {
    this.failures.clear();
    this.latency.clear();
    this.unreachable.clear();
  }
}
