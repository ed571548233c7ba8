import { UserError } from '../errors/user-error.js';
import type { Image } from '../inventory/schema.js';
import type { MirrorRef, Registry } from '../ports/registry.js';
import { code } from '../slack-text/code.js';
import type { ImageSyncChange, ImageSyncLive } from './image-sync-change.js';
import { pullThroughOf } from './pull-through-of.js';
import { shortDigest } from './short-digest.js';

type Mirrored = Image & { mirror: MirrorRef };

/**
 * The upstream the mirror caches when it is an ECR pull-through cache; null for a plain mirror; undefined
 * when the rules could not be read (then it is treated as a plain mirror, and the plan says so).
 */
export async function readCacheOf(
  registry: Registry,
  mirror: MirrorRef,
  signal?: AbortSignal,
): Promise<string | null | undefined> {
  try {
    const rules = await registry.pullThroughRules(mirror, signal ? { signal } : {});
    return pullThroughOf(rules, mirror.repository)?.upstream ?? null;
  } catch (err) {
    if (signal?.aborted) throw err;
    return undefined;
  }
}

/**
 * `/images sync` into a pull-through cache: ECR fills and refreshes it from upstream on pulls, so a copy
 * is not the fix. Says why, what lags, and what to do instead; `--force` copies anyway.
 */
export function cacheRefusal(
  c: ImageSyncChange,
  image: Mirrored,
  tag: string,
  before: ImageSyncLive,
): UserError {
  const repo = image.mirror.repository;
  const head = `ECR ${code(repo)} is a pull-through cache of ${code(before.cache ?? image.source)}: ECR fills it from upstream when it is pulled, so there is nothing to copy.`;
  const state = !before.mirror
    ? ` ${code(tag)} is not cached yet: the first pull of ${code(`${image.mirror.registry}/${repo}:${tag}`)} (a pod or workspace starting on it) fetches it.`
    : ` Its cached ${code(tag)} is ${shortDigest(before.mirror)}, the source's is ${shortDigest(before.source ?? '')}: ECR re-checks upstream when the tag is pulled and its last check is over 24 h old. For the new build sooner, delete the cached tag — ${code(`aws ecr batch-delete-image --region ${image.mirror.region} --repository-name ${repo} --image-ids imageTag=${tag}`)} — and the next pull fetches it from upstream.`;
  const force = code(`/images sync ${image.id}${c.tag ? ` ${c.tag}` : ''} --force`);
  return new UserError(`${head}${state}`, {
    hint: `To push the source's build into the cache now anyway: ${force} (ECR may replace it at its next upstream check).`,
  });
}

/** The plan's warning about the cache: pushed into anyway (`--force`), or not known to be one. */
export function cacheWarnings(image: Mirrored, before: ImageSyncLive): string[] {
  if (before.cache)
    return [
      `ECR ${code(image.mirror.repository)} is a pull-through cache of ${code(before.cache)} (\`--force\`): this pushes the build into it now; ECR may replace the tag at its next upstream check (with upstream's build of the moment).`,
    ];
  if (before.cache === undefined)
    return [
      'Could not read ECR’s pull-through cache rules (opsbot’s role needs `ecr:DescribePullThroughCacheRules`): if this repository is a cache, a pull would refresh it instead.',
    ];
  return [];
}
