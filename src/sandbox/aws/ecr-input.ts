import { z } from 'zod';
import type { AwsCall } from './aws-context.js';
import { AwsError } from './aws-errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** ECR's own patterns, quoted in its InvalidParameterException messages. */
export const REPOSITORY_NAME_PATTERN = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';
const REGISTRY_ID_PATTERN = '[0-9]{12}';

/** A string matching all of `pattern`; a mismatch is reported with the pattern as ECR quotes it. */
export const matching = (schema: z.ZodString, pattern: string) =>
  schema.regex(new RegExp(`^(?:${pattern})$`), {
    message: `must satisfy regular expression '${pattern}'`,
  });

export const RepositoryName = matching(z.string().min(2).max(256), REPOSITORY_NAME_PATTERN);
export const RegistryId = matching(z.string(), REGISTRY_ID_PATTERN);
export const MaxResults = z.number().int().min(1).max(1000);
export const NextToken = z.string();
export const TagStatusFilter = z.object({ tagStatus: z.enum(['TAGGED', 'UNTAGGED', 'ANY']).optional() });

/** The value at `path` in the request body, to tell a missing member from a wrong one. */
function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A failed constraint in ECR's words: strings "must have length …" and "must satisfy regular
 * expression '<pattern>'"; lists, numbers, enums and missing members "Member must …".
 */
function constraint(issue: z.core.$ZodIssue, body: unknown): string | undefined {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string'
        ? `must have length greater than or equal to ${issue.minimum}`
        : issue.origin === 'array'
          ? `Member must have length greater than or equal to ${issue.minimum}`
          : `Member must have value greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must have length less than or equal to ${issue.maximum}`
        : issue.origin === 'array'
          ? `Member must have length less than or equal to ${issue.maximum}`
          : `Member must have value less than or equal to ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'regex' ? issue.message : undefined;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_type':
      return valueAt(body, issue.path) === undefined ? 'Member must not be null' : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates an ECR request body as ECR does: a failed constraint is an InvalidParameterException
 * worded like ECR's (`Invalid parameter at 'repositoryName' failed to satisfy constraint: '…'`); a
 * member of the wrong JSON type is a SerializationException, as the awsJson protocol answers it.
 */
export function parseEcrInput<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AwsError(400, 'SerializationException', 'Start of structure or map expected');
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const text = constraint(issue, body);
  if (text === undefined)
    throw new AwsError(
      400,
      'SerializationException',
      `Unexpected value at '${issue.path.join('.')}': ${issue.message}`,
    );
  throw invalidParameter(issue.path.map(String).join('.') || 'request', text);
}

export function invalidParameter(at: string, text: string): AwsError {
  return new AwsError(
    400,
    'InvalidParameterException',
    `Invalid parameter at '${at}' failed to satisfy constraint: '${text}'`,
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
      throw invalidParameter('nextToken', 'Invalid NextToken');
  }
  const end = start + (maxResults ?? defaultMax);
  const page = items.slice(start, end);
  return end < items.length
    ? { page, nextToken: Buffer.from(`offset:${end}`).toString('base64url') }
    : { page };
}
