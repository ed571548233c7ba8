import type { z } from 'zod';
import type { AwsCall } from './aws-context.js';
import { AwsError } from './aws-errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Validates an ECR request body; failures read like ECR's InvalidParameterException. */
export function parseEcrInput<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new AwsError(
    400,
    'InvalidParameterException',
    `Invalid parameter at '${issue.path.join('.') || 'request'}' failed to satisfy constraint: '${issue.message}'`,
  );
}

export function ecrRegion(call: AwsCall): string {
  return call.opts.ecr.region ?? 'us-east-2';
}

/** Throws RepositoryNotFoundException unless `name` exists in this account's registry in the signing region. */
export function requireEcrRepository(call: AwsCall, name: string, registryId?: string): string {
  const registry = registryId ?? call.opts.accountId;
  const exists =
    registry === call.opts.accountId &&
    call.region === ecrRegion(call) &&
    call.opts.ecr.store.hasRepository(name);
  if (!exists)
    throw new AwsError(
      400,
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${registry}'`,
    );
  return name;
}

/** Opaque page tokens over an in-memory list. */
export function paginate<T>(
  items: T[],
  nextToken: string | undefined,
  maxResults: number | undefined,
  defaultMax: number,
): { page: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    start = Number(
      Buffer.from(nextToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw new AwsError(
        400,
        'InvalidParameterException',
        "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
      );
  }
  const end = start + (maxResults ?? defaultMax);
  const page = items.slice(start, end);
  return end < items.length
    ? { page, nextToken: Buffer.from(`offset:${end}`).toString('base64url') }
    : { page };
}
