import { UserError } from '../errors/user-error.js';
import type { Environment } from '../inventory/schema.js';
import { type ChangeKind, defineChangeKind, type VerifyResult } from '../plans/change-kind.js';
import { planThread } from '../plans/post-plan-message.js';
import type { Registry } from '../ports/registry.js';
import { code } from '../slack-text/code.js';
import { type CopyProgressDeps, copyToMirror } from './copy-to-mirror.js';
import { ImageSyncChange, ImageSyncLive } from './image-sync-change.js';
import { imageSyncProgress } from './image-sync-progress.js';
import {
  describeSync,
  isRestartOnly,
  nothingToDo,
  noUndo,
  noUndoReason,
  syncSummary,
  syncWarnings,
} from './image-sync-text.js';
import { cacheRefusal } from './pull-through-sync.js';
import { acceptedDigests, readSyncLive } from './read-sync-live.js';
import { type MirroredImage, type ResolvedSync, resolveImageSync } from './resolve-image-sync.js';
import { type RestartOptions, restartCoderDeployments, restartTargets } from './restart-coder-deployments.js';
import { shortDigest } from './short-digest.js';

export const IMAGES_KIND = 'images.mirror';

export interface ImagesKindOptions {
  environments: ReadonlyMap<string, Environment>;
  registry: Registry;
  /** With these, apply edits one progress message in the plan's thread (≤ 1 edit/s per channel). */
  progress?: CopyProgressDeps;
  /** For `--restart`: the clusters and how long each cluster's rollout may take. */
  restart?: Pick<RestartOptions, 'clusters' | 'deadlineMs' | 'pollMs'>;
}

/**
 * The ECR mirror of an inventory image: before/after are the mirror's digest for the tag, apply copies the
 * source build over the OCI API (blobs skipped when present), verify reads ECR again. With `--restart` the
 * live state also names the Coder deployments not on the mirror's build, and verify rolls them onto it;
 * when ECR already serves the build, the plan is that restart alone (nothing copied, no Undo).
 */
export function createImagesKind(opts: ImagesKindOptions): ChangeKind<ImageSyncChange, ImageSyncLive> {
  const resolve = (c: ImageSyncChange) => resolveImageSync(opts.environments, Boolean(opts.restart), c);
  const kind: ChangeKind<ImageSyncChange, ImageSyncLive> = {
    kind: IMAGES_KIND,
    action: () => 'images.sync',
    change: ImageSyncChange,
    live: ImageSyncLive,
    precheck: (c) => void resolve(c),
    resources: (c) => {
      const { image, tag } = resolve(c);
      return [`image:${image.mirror.registry}/${image.mirror.repository}:${tag}`];
    },
    summary: (c, before) => {
      const { image, tag } = resolve(c);
      return syncSummary(c, image, tag, before);
    },
    readLive: (c, context) =>
      readSyncLive({ registry: opts.registry, clusters: opts.restart?.clusters }, resolve(c), c, context),
    // With --restart the plan leads to every restart target on the build (old plans recorded none: left out).
    afterOf: (c, before) => ({
      ...before,
      mirror: c.digest ?? before.source,
      ...(before.behind ? { behind: [] } : {}),
    }),
    equals: (a, b) =>
      a.mirror === b.mirror &&
      a.source === b.source &&
      (!a.behind || !b.behind || a.behind.join() === b.behind.join()),
    progress: imageSyncProgress,
    validate(c, before) {
      const { env, image, tag } = resolve(c);
      if (!c.digest && !before.source)
        throw new UserError(`tag ${code(tag)} does not exist in ${code(image.source)}`);
      // ECR already has it: only a restart of targets still on another build is left to plan (nothing is pushed).
      if ((c.digest ?? before.source) === before.mirror) {
        if (isRestartOnly(c, before) && before.behind?.length) return;
        throw nothingToDo(c, image, tag, before, restartTargets(env, image));
      }
      if (before.cache && !c.force) throw cacheRefusal(c, image, tag, before);
    },
    apply: (c, context) =>
      copyToMirror({ registry: opts.registry, progress: opts.progress }, resolve(c), context),
    verify: (c, after, context) => verifySync(opts, resolve(c), c, after, context),
    // A restart-only plan has no previous build: refused with why, not planned as a copy of the same one.
    invert: (c, before) => {
      if (isRestartOnly(c, before)) throw noUndo(resolve(c), before);
      return invertSync(c, before);
    },
    noUndo: (c, before) => (isRestartOnly(c, before) ? noUndoReason(resolve(c).image) : undefined),
    describe: describeSync,
    warnings: (c, before) => {
      const { env, image } = resolve(c);
      return syncWarnings(c, image, restartTargets(env, image), before);
    },
  };

  return defineChangeKind(kind);
}

/** With --restart the undo copies the previous build back to the tag and restarts the same deployments onto it. */
function invertSync(c: ImageSyncChange, before: ImageSyncLive): ImageSyncChange {
  return {
    environment: c.environment,
    ...(c.image ? { image: c.image } : {}),
    ...(c.tag ? { tag: c.tag } : {}),
    ...(before.mirror ? { digest: before.mirror } : {}),
    ...(c.restart ? { restart: true } : {}),
    ...(c.force ? { force: true } : {}),
  };
}

/** ECR must serve the plan's build; with `--restart`, only then are the Coder deployments rolled onto it. */
async function verifySync(
  opts: ImagesKindOptions,
  resolved: ResolvedSync,
  c: ImageSyncChange,
  after: ImageSyncLive,
  context: { planId: string; signal: AbortSignal } | undefined,
): Promise<VerifyResult> {
  const { image, tag } = resolved;
  const now = await opts.registry.mirrorImage(image.mirror, tag, { signal: context?.signal });
  const ok = now?.digest === after.mirror;
  if (ok && c.restart && after.mirror) return restartOnto(opts, resolved, after.mirror, context);
  const repo = code(`${image.mirror.repository}:${tag}`);
  return {
    ok,
    detail: ok
      ? `ECR ${repo} = ${shortDigest(now?.digest ?? '')}, the source's digest. Clusters run it once their pods restart.`
      : `ECR ${repo} is ${now ? shortDigest(now.digest) : 'missing'}, expected ${shortDigest(after.mirror ?? '')}`,
  };
}

/** `--restart`, once ECR serves `want`: the Coder deployments not on it are rolled onto it, cluster by cluster. */
async function restartOnto(
  opts: ImagesKindOptions,
  { env, image, tag }: ResolvedSync,
  want: string,
  context: { planId: string; signal: AbortSignal } | undefined,
): Promise<VerifyResult> {
  if (!opts.restart || !opts.progress) throw new Error('images kind built without clusters: cannot restart');
  const plan = context ? await opts.progress.plans.get(context.planId) : undefined;
  const thread = plan ? planThread(plan) : undefined;
  const source = await opts.registry
    .sourceImage(image.source, tag, { signal: context?.signal })
    .catch(() => undefined);
  const result = await restartCoderDeployments(
    { ...opts.progress, ...opts.restart },
    restartTargets(env, image),
    acceptedDigests(want, source),
    { channel: plan?.channel ?? '', ...(thread ? { threadTs: thread } : {}) },
    context?.signal,
  );
  const ecr = `ECR ${code(`${image.mirror.repository}:${tag}`)} = ${shortDigest(want)}`;
  if (result.ok) return { ok: true, detail: `${ecr}; ${result.detail}` };
  return { ok: false, detail: `${ecr}, but the ${result.detail}${afterFailure(image, plan?.before, want)}` };
}

/** What a stopped restart leaves to do: Undo's copy back, or (ECR never changed: no Undo) the restart again. */
function afterFailure(image: MirroredImage, before: unknown, want: string): string {
  const previous = (before as { mirror?: string | null } | undefined)?.mirror;
  if (previous === want)
    return ` Once the cause is fixed, ${code(`/images sync ${image.id} --restart`)} restarts the clusters not on it yet.`;
  return previous
    ? ` Undo copies ${shortDigest(previous)} back to ECR and restarts the same deployments onto it.`
    : '';
}
