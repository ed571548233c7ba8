import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';
import { untrusted } from '../../slack-text/untrusted.js';

/**
 * Two tiers for Kubernetes failures: 429/5xx/network → transient (retried); 401/403 → a user
 * error naming the cluster and what to fix; anything else keeps the API server's own message.
 */
export function classifyKubeError(err: unknown, clusterId: string, doing: string): Error {
  if (err instanceof TransientError || err instanceof UserError) return err;
  const code = (err as { code?: number }).code;
  const body = (err as { body?: unknown }).body;
  // The API server's message quotes names and values others wrote: shown to users, so never markup.
  const raw = statusMessage(body);
  const apiMessage = raw === undefined ? undefined : untrusted(raw);
  if (code === 401)
    return new UserError(
      `Cluster ${clusterId} refused opsbot's credentials while ${doing} (401). Check the EKS access entry for opsbot's IAM role.`,
    );
  if (code === 403)
    return new UserError(
      `Cluster ${clusterId} denied ${doing} (403${apiMessage ? `: ${apiMessage}` : ''}). opsbot's Kubernetes RBAC is missing this permission.`,
    );
  if (code === 429 || (code !== undefined && code >= 500))
    return new TransientError(`Cluster ${clusterId} answered ${code} while ${doing}`, {
      kind: code === 429 ? 'rate-limited' : 'server-error',
      status: code,
    });
  if (code === undefined) {
    const message = err instanceof Error ? err.message : String(err);
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return new TransientError(
      `Cluster ${clusterId} is unreachable (${cause ?? message}) while ${doing}; check its API endpoint and network path`,
      { kind: 'unreachable' },
    );
  }
  return new UserError(
    `Cluster ${clusterId} rejected ${doing} (${code}${apiMessage ? `: ${apiMessage}` : ''}).`,
  );
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 200);
    }
  }
  if (body && typeof body === 'object' && 'message' in body)
    return String((body as { message: unknown }).message);
  return undefined;
}
