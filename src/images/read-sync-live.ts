import { TransientError } from '../errors/transient-error.js';
import { UserError } from '../errors/user-error.js';
import type { ReadContext } from '../plans/change-kind.js';
import type { Clusters } from '../ports/clusters.js';
import type { Registry, SourceImage } from '../ports/registry.js';
import { code } from '../slack-text/code.js';
import type { ImageSyncChange, ImageSyncLive } from './image-sync-change.js';
import { readCacheOf } from './pull-through-sync.js';
import type { ResolvedSync } from './resolve-image-sync.js';
import { restartTargets, targetsOffBuild } from './restart-coder-deployments.js';

/** A pod pulled by tag reports the index digest or its platform's: both are this build. */
export function acceptedDigests(want: string, source: SourceImage | undefined): string[] {
  return [want, ...(source?.digest === want ? source.platforms.map((p) => p.digest) : [])];
}

/**
 * The tag's digest in the source and the mirror, whether the mirror is a pull-through cache (while
 * planning), and with `--restart` which restart targets do not run the mirror's build (pods' imageID).
 * While planning a failed read is a UserError saying which side (nothing has changed yet).
 */
export async function readSyncLive(
  deps: { registry: Registry; clusters: Clusters | undefined },
  { env, image, tag }: ResolvedSync,
  c: ImageSyncChange,
  context: ReadContext | undefined,
): Promise<ImageSyncLive> {
  const planning = context?.phase === 'plan';
  const call = { signal: context?.signal };
  // Nothing has changed while planning: say which side could not be read. Applying, it stays transient (retried).
  const failed =
    (what: string) =>
    (err: unknown): never => {
      if (planning && err instanceof TransientError)
        throw new UserError(`could not read ${what} (${err.message}); try again shortly`);
      throw err;
    };
  // Whether the mirror is a pull-through cache decides the plan, not the apply: read while planning.
  const [source, mirror, cache] = await Promise.all([
    deps.registry.sourceImage(image.source, tag, call),
    deps.registry.mirrorImage(image.mirror, tag, call),
    planning ? readCacheOf(deps.registry, image.mirror, context.signal) : undefined,
  ]).catch(failed(`${code(image.source)} or its ECR mirror`));
  const live = {
    source: source?.digest ?? null,
    mirror: mirror?.digest ?? null,
    ...(cache !== undefined ? { cache } : {}),
  };
  if (!c.restart || !deps.clusters) return live;
  const accept = mirror ? acceptedDigests(mirror.digest, source) : [];
  const behind = await targetsOffBuild(
    deps.clusters,
    restartTargets(env, image),
    accept,
    context?.signal,
  ).catch(failed(`what the Coder deployments of ${code(image.id)} run`));
  return { ...live, behind };
}
