import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';

/** AWS SDK failures into the two tiers: throttling, 5xx and network trouble retried; refusals told to the user. */
export function classifyEcrError(
  err: unknown,
  doing: string,
  needs = 'ecr:DescribeImages, ecr:GetAuthorizationToken and push rights on the mirror repository',
): Error {
  const name = (err as { name?: string }).name ?? 'Error';
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined || status === 429 || status >= 500 || /Throttl/.test(name))
    return new TransientError(`ECR ${doing} failed (${name})`, {
      cause: err,
      ...(status === undefined
        ? { kind: /Timeout/i.test(name) ? 'timeout' : 'unreachable' }
        : { kind: status === 429 ? 'rate-limited' : 'server-error', status }),
    });
  return new UserError(
    `ECR refused ${doing} (${name}: ${(err as Error).message}). opsbot's IAM role needs ${needs}.`,
  );
}
