import { parseRetryAfter } from '../../errors/parse-retry-after.js';
import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';

/** A registry answer that is not what was asked: 429/5xx are retried, the rest is the registry's own word. */
export async function classifyRegistryResponse(res: Response, doing: string): Promise<Error> {
  if (res.status === 429 || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    return new TransientError(`registry answered ${res.status} while ${doing}`, {
      status: res.status,
      kind: res.status === 429 ? 'rate-limited' : 'server-error',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const body = await res.text().catch(() => '');
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    detail = (parsed.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ');
  } catch {
    detail = body.slice(0, 200);
  }
  return new UserError(`the registry refused ${doing}: ${res.status}${detail ? ` ${detail}` : ''}`);
}

/** fetch failing before any answer (refused, reset, timed out): worth retrying. */
export function unreachable(err: unknown, doing: string): Error {
  if (err instanceof Error && err.name === 'AbortError') return err;
  return new TransientError(`registry unreachable while ${doing}`, { kind: 'unreachable', cause: err });
}
