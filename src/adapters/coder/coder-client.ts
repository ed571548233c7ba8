import type { z } from 'zod';
import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';
import { abortReason } from '../../ports/call-options.js';
import { coderFailureText } from './coder-failure-text.js';
import { CoderResponse } from './coder-schemas.js';

/** A coderd answer: the parsed body of a 2xx, or its codersdk.Response. */
export type CoderResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; error: CoderResponse };

export interface CoderClientOptions {
  /** Where the REST API is (the control plane, even for a proxy's region). */
  base: string;
  /** Named in errors: the probe the call is for. */
  probeId: string;
  token: string | undefined;
  requestTimeoutMs: number;
}

/** A non-JSON error page (a load balancer's 503, a proxy's HTML page) in codersdk.Response's shape. */
function asCoderResponse(status: number, text: string): CoderResponse {
  const parsed = CoderResponse.safeParse(safeJson(text));
  if (parsed.success) return parsed.data;
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { message: `HTTP ${status}${plain ? `: ${plain.slice(0, 200)}` : ''}` };
}

/** fetch against coderd with the session token; network failures and timeouts are TransientErrors. */
export class CoderClient {
  constructor(private readonly opts: CoderClientOptions) {}

  get base(): string {
    return this.opts.base;
  }

  get<T extends z.ZodType>(path: string, schema: T, signal?: AbortSignal) {
    return this.request('GET', path, undefined, schema, signal);
  }

  send<T extends z.ZodType>(method: string, path: string, body: unknown, schema: T, signal?: AbortSignal) {
    return this.request(method, path, body, schema, signal);
  }

  private async request<T extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    schema: T,
    signal?: AbortSignal,
  ): Promise<CoderResult<z.infer<T>>> {
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) headers['Coder-Session-Token'] = this.opts.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.opts.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      const timedOut = timeout.aborted;
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new TransientError(
        timedOut
          ? `${this.opts.probeId} did not answer ${method} ${path} within ${this.opts.requestTimeoutMs} ms`
          : `${this.opts.probeId} is unreachable (${cause ?? (err as Error).message})`,
        { kind: timedOut ? 'timeout' : 'unreachable', cause: err },
      );
    }
    const text = await res.text();
    if (!res.ok) return { ok: false, status: res.status, error: asCoderResponse(res.status, text) };
    return { ok: true, status: res.status, data: schema.parse(safeJson(text)) };
  }
}

/** A failed answer as the error opsbot raises: token refused, retryable, or Coder's refusal. */
export function coderError(result: { status: number; error: CoderResponse }, probeId: string, doing: string) {
  const words = coderFailureText(result.error);
  if (result.status === 401 || result.status === 403)
    return new UserError(
      `Coder (${probeId}) refused opsbot's session token while ${doing} (${result.status}: ${words}); renew CODER_SESSION_TOKEN.`,
    );
  if (result.status === 429 || result.status >= 500)
    return new TransientError(`${probeId} answered ${result.status} while ${doing}: ${words}`, {
      kind: result.status === 429 ? 'rate-limited' : 'server-error',
      status: result.status,
    });
  return new UserError(`${probeId} answered ${result.status} while ${doing}: ${words}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
