import { z } from 'zod';
import { DIGEST_PATTERN } from '../oci/media-types.js';
import type { StoredImage } from '../oci/registry-store.js';
import { type AwsCall, epochSeconds, sendAwsJson } from './aws-context.js';
import { AwsError } from './aws-errors.js';
import {
  invalidParameter,
  JSON_CONTENT_TYPE,
  MaxResults,
  NextToken,
  paginate,
  parseEcrInput,
  RegistryId,
  RepositoryName,
  requireEcrRepository,
  TagStatusFilter,
} from './ecr-input.js';

const ImageIdentifier = z.object({
  imageDigest: z.string().optional(),
  imageTag: z.string().min(1).max(300).optional(),
});
type ImageIdentifier = z.infer<typeof ImageIdentifier>;

const DescribeImagesInput = z.object({
  registryId: RegistryId.optional(),
  repositoryName: RepositoryName,
  imageIds: z.array(ImageIdentifier).min(1).max(100).optional(),
  nextToken: NextToken.optional(),
  maxResults: MaxResults.optional(),
  filter: TagStatusFilter.optional(),
});

const ListImagesInput = z.object({
  registryId: RegistryId.optional(),
  repositoryName: RepositoryName,
  nextToken: NextToken.optional(),
  maxResults: MaxResults.optional(),
  filter: TagStatusFilter.optional(),
});

const BatchGetImageInput = z.object({
  registryId: RegistryId.optional(),
  repositoryName: RepositoryName,
  imageIds: z.array(ImageIdentifier).min(1).max(100),
  acceptedMediaTypes: z.array(z.string()).min(1).max(100).optional(),
});

function imageDetail(call: AwsCall, repo: string, image: StoredImage): Record<string, unknown> {
  return {
    registryId: call.opts.accountId,
    repositoryName: repo,
    imageDigest: image.digest,
    ...(image.tags.length > 0 ? { imageTags: image.tags } : {}),
    imageSizeInBytes: image.sizeBytes,
    imagePushedAt: epochSeconds(image.pushedAt),
    imageManifestMediaType: image.mediaType,
    ...(image.configMediaType ? { artifactMediaType: image.configMediaType } : {}),
    imageStatus: 'ACTIVE',
  };
}

function imageNotFound(call: AwsCall, repo: string, id: ImageIdentifier): AwsError {
  return new AwsError(
    400,
    'ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo}' in the registry with id '${call.opts.accountId}'`,
  );
}

function findImage(images: StoredImage[], id: ImageIdentifier): StoredImage | undefined {
  return images.find(
    (i) =>
      (id.imageDigest === undefined || i.digest === id.imageDigest) &&
      (id.imageTag === undefined || i.tags.includes(id.imageTag)),
  );
}

/** DescribeImages: every manifest (a multi-arch tag's children are listed untagged, as ECR does). */
export function describeImages(call: AwsCall, body: unknown): void {
  const input = parseEcrInput(DescribeImagesInput, body);
  const repo = requireEcrRepository(call, input.repositoryName, input.registryId);
  const images = call.opts.ecr.store.listImages(repo) ?? [];
  if (input.imageIds) {
    if (input.nextToken !== undefined || input.maxResults !== undefined)
      throw invalidParameter('imageIds', 'maxResults and nextToken cannot be used with imageIds');
    const found = new Map<string, StoredImage>();
    for (const id of input.imageIds) {
      if (id.imageDigest === undefined && id.imageTag === undefined)
        throw invalidParameter('imageIds', 'Member must specify an imageDigest or an imageTag');
      const image = findImage(images, id);
      if (!image) throw imageNotFound(call, repo, id);
      found.set(image.digest, image);
    }
    const imageDetails = [...found.values()].map((i) => imageDetail(call, repo, i));
    sendAwsJson(call, { imageDetails }, JSON_CONTENT_TYPE);
    return;
  }
  const { page, nextToken } = paginate(
    withTagStatus(images, input.filter?.tagStatus),
    input.nextToken,
    input.maxResults,
    100,
  );
  sendAwsJson(
    call,
    { imageDetails: page.map((i) => imageDetail(call, repo, i)), ...(nextToken ? { nextToken } : {}) },
    JSON_CONTENT_TYPE,
  );
}

/** Images with the tag status asked for (ANY by default), oldest push first. */
function withTagStatus(images: StoredImage[], status = 'ANY'): StoredImage[] {
  return images
    .filter((i) => status === 'ANY' || (status === 'TAGGED') === i.tags.length > 0)
    .sort((a, b) => a.pushedAt - b.pushedAt || a.digest.localeCompare(b.digest));
}

/**
 * ListImages: one image id per tag (a manifest with two tags is listed twice), untagged manifests by
 * digest alone; paged by `maxResults` (default 100, as ECR) over those ids.
 */
export function listImages(call: AwsCall, body: unknown): void {
  const input = parseEcrInput(ListImagesInput, body);
  const repo = requireEcrRepository(call, input.repositoryName, input.registryId);
  const ids = withTagStatus(call.opts.ecr.store.listImages(repo) ?? [], input.filter?.tagStatus).flatMap(
    (i) =>
      i.tags.length > 0
        ? [...i.tags].sort().map((imageTag) => ({ imageDigest: i.digest, imageTag }))
        : [{ imageDigest: i.digest }],
  );
  const { page, nextToken } = paginate(ids, input.nextToken, input.maxResults, 100);
  sendAwsJson(call, { imageIds: page, ...(nextToken ? { nextToken } : {}) }, JSON_CONTENT_TYPE);
}

type Lookup = { digest: string } | { failureCode: string; failureReason: string };

function lookup(call: AwsCall, repo: string, id: ImageIdentifier, accepted?: string[]): Lookup {
  const store = call.opts.ecr.store;
  if (id.imageDigest === undefined && id.imageTag === undefined)
    return {
      failureCode: 'MissingDigestAndTag',
      failureReason: 'Invalid request. Must specify digest or tag',
    };
  if (id.imageDigest !== undefined && !DIGEST_PATTERN.test(id.imageDigest))
    return { failureCode: 'InvalidImageDigest', failureReason: 'Invalid image digest' };
  const byTag = id.imageTag !== undefined ? store.resolve(repo, id.imageTag) : undefined;
  const digest = id.imageDigest ?? byTag?.digest;
  const manifest = digest ? store.getManifest(repo, digest) : undefined;
  if (!digest || !manifest || (id.imageTag !== undefined && !byTag))
    return { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
  if (byTag && byTag.digest !== digest)
    return {
      failureCode: 'ImageTagDoesNotMatchDigest',
      failureReason: 'Provided image tag and digest do not match',
    };
  // ECR converts nothing here: a stored type the caller does not accept is reported as not found.
  if (accepted && !accepted.includes(manifest.mediaType))
    return { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
  return { digest };
}

/** BatchGetImage: raw manifest bytes and media type per id; missing ids go to `failures`. */
export function batchGetImage(call: AwsCall, body: unknown): void {
  const input = parseEcrInput(BatchGetImageInput, body);
  const repo = requireEcrRepository(call, input.repositoryName, input.registryId);
  const images: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of input.imageIds) {
    const found = lookup(call, repo, id, input.acceptedMediaTypes);
    if (!('digest' in found)) {
      failures.push({ imageId: id, ...found });
      continue;
    }
    const manifest = call.opts.ecr.store.getManifest(repo, found.digest)!;
    images.push({
      registryId: call.opts.accountId,
      repositoryName: repo,
      imageId: { imageDigest: found.digest, ...(id.imageTag !== undefined ? { imageTag: id.imageTag } : {}) },
      imageManifest: manifest.bytes.toString('utf8'),
      imageManifestMediaType: manifest.mediaType,
    });
  }
  sendAwsJson(call, { images, failures }, JSON_CONTENT_TYPE);
}
