import { z } from 'zod';
import { type AwsCall, epochSeconds, sendAwsJson } from './aws-context.js';
import { AwsError } from './aws-errors.js';
import { batchGetImage, describeImages, listImages } from './ecr-images.js';
import {
  ecrRegion,
  invalidParameter,
  JSON_CONTENT_TYPE,
  MaxResults,
  NextToken,
  paginate,
  parseEcrInput,
  RegistryId,
  RepositoryName,
  requireEcrRepository,
} from './ecr-input.js';
import { describePullThroughCacheRules } from './ecr-pull-through-api.js';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

const DescribeRepositoriesInput = z.object({
  registryId: RegistryId.optional(),
  repositoryNames: z.array(RepositoryName).min(1).max(100).optional(),
  nextToken: NextToken.optional(),
  maxResults: MaxResults.optional(),
});

const OPERATIONS: Record<string, (call: AwsCall, body: unknown) => void> = {
  DescribeImages: describeImages,
  ListImages: listImages,
  BatchGetImage: batchGetImage,
  GetAuthorizationToken: getAuthorizationToken,
  DescribeRepositories: describeRepositories,
  DescribePullThroughCacheRules: describePullThroughCacheRules,
};

/** ECR (awsJson1_1): `POST /` with `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`. */
export function handleEcr(call: AwsCall): void {
  const target = call.req.headers['x-amz-target'];
  const operation =
    call.req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX)
      ? OPERATIONS[target.slice(TARGET_PREFIX.length)]
      : undefined;
  if (!operation) throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${String(target)}`);
  let body: unknown = {};
  if (call.req.body.length > 0) {
    try {
      body = JSON.parse(call.req.body.toString('utf8'));
    } catch {
      throw new AwsError(400, 'SerializationException', 'Request body is not valid JSON');
    }
  }
  operation(call, body);
}

function getAuthorizationToken(call: AwsCall): void {
  const { password, expiresAt } = call.tokens.issue();
  sendAwsJson(
    call,
    {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          expiresAt: epochSeconds(expiresAt),
          proxyEndpoint: call.opts.ecr.registryUrl(),
        },
      ],
    },
    JSON_CONTENT_TYPE,
  );
}

function describeRepositories(call: AwsCall, body: unknown): void {
  const input = parseEcrInput(DescribeRepositoriesInput, body);
  const store = call.opts.ecr.store;
  let names: string[];
  if (input.repositoryNames) {
    if (input.nextToken !== undefined || input.maxResults !== undefined)
      throw invalidParameter(
        'repositoryNames',
        'maxResults and nextToken cannot be used with repositoryNames',
      );
    names = input.repositoryNames.map((n) => requireEcrRepository(call, n, input.registryId));
  } else {
    const here =
      (input.registryId ?? call.opts.accountId) === call.opts.accountId && call.region === ecrRegion(call);
    names = here ? store.repositories() : [];
  }
  const { page, nextToken } = paginate(names, input.nextToken, input.maxResults, 100);
  const host = new URL(call.opts.ecr.registryUrl()).host;
  const region = ecrRegion(call);
  const repositories = page.map((name) => ({
    repositoryArn: `arn:aws:ecr:${region}:${call.opts.accountId}:repository/${name}`,
    registryId: call.opts.accountId,
    repositoryName: name,
    repositoryUri: `${host}/${name}`,
    createdAt: epochSeconds(store.repositoryCreatedAt(name) ?? 0),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  }));
  sendAwsJson(call, { repositories, ...(nextToken ? { nextToken } : {}) }, JSON_CONTENT_TYPE);
}
