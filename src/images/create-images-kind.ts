import { TransientError } from '../errors/transient-error.js';
import { UserError } from '../errors/user-error.js';
import type { Environment, Image } from '../inventory/schema.js';
import { type ChangeKind, defineChangeKind } from '../plans/change-kind.js';
import type { PlanStore } from '../plans/plan-store.js';
import { planThread } from '../plans/post-plan-message.js';
import type { Chat } from '../ports/chat.js';
import type { Clock } from '../ports/clock.js';
import type { CopyProgress, MirrorRef, Registry } from '../ports/registry.js';
import { createProgressReporter, type ProgressPacer } from '../queue/create-progress-reporter.js';
import { code } from '../slack-text/code.js';
import { copyProgressText } from './copy-progress-text.js';
import { ImageSyncChange, ImageSyncLive } from './image-sync-change.js';
import { cacheRefusal, cacheWarnings, readCacheOf } from './pull-through-sync.js';
import { type RestartOptions, restartCoderDeployments, restartTargets } from './restart-coder-deployments.js';
import { shortDigest } from './short-digest.js';

export const IMAGES_KIND = 'images.mirror';

export interface ImagesKindOptions {
  environments: ReadonlyMap<string, Environment>;
  registry: Registry;
  /** With these, apply edits one progress message in the plan's thread (≤ 1 edit/s per channel). */
  progress?: { plans: PlanStore; chat: Chat; clock: Clock; pacer: ProgressPacer };
  /** For `--restart`: the clusters and how long each cluster's rollout may take. */
  restart?: Pick<RestartOptions, 'clusters' | 'deadlineMs' | 'pollMs'>;
}

interface Resolved {
  env: Environment;
  image: Image & { mirror: MirrorRef };
  tag: string;
}

/**
 * The ECR mirror of an inventory image: before/after are the mirror's digest for the tag, apply copies the
 * source build over the OCI API (blobs skipped when present), verify reads ECR again.
 */
export function createImagesKind(opts: ImagesKindOptions): ChangeKind<ImageSyncChange, ImageSyncLive> {
  const resolve = (c: ImageSyncChange): Resolved => {
    const env = opts.environments.get(c.environment);
    if (!env) throw new UserError(`unknown environment "${c.environment}"`);
    const image = c.image ? env.images.find((i) => i.id === c.image) : env.images.find((i) => i.mirror);
    if (!image)
      throw new UserError(
        c.image ? `no image ${code(c.image)} in ${env.name}` : `no mirrored image in ${env.name}`,
        {
          hint: `Known: ${env.images.map((i) => i.id).join(', ') || 'none'}`,
        },
      );
    if (!image.mirror) throw new UserError(`image ${code(image.id)} has no ECR mirror in the inventory`);
    if (c.restart && !opts.restart)
      throw new UserError('this opsbot cannot reach the clusters: `--restart` is not available');
    if (c.restart && restartTargets(env, image).length === 0)
      throw new UserError(`no Coder deployment runs ${code(image.id)}: nothing to restart`);
    return { env, image: image as Resolved['image'], tag: c.tag ?? image.tag };
  };
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
    summary: (c) => {
      const { image, tag } = resolve(c);
      const what = c.digest ? `back to ${shortDigest(c.digest)}` : `to ${code(`${image.source}:${tag}`)}`;
      const restart = c.restart ? ', then restart the Coder deployments onto it' : '';
      return `sync ECR ${code(`${image.mirror.repository}:${tag}`)} ${what}${restart}`;
    },
    async readLive(c, context) {
      const { image, tag } = resolve(c);
      try {
        const call = { signal: context?.signal };
        // Whether the mirror is a pull-through cache decides the plan, not the apply: read while planning.
        const [source, mirror, cache] = await Promise.all([
          opts.registry.sourceImage(image.source, tag, call),
          opts.registry.mirrorImage(image.mirror, tag, call),
          context?.phase === 'plan' ? readCacheOf(opts.registry, image.mirror, context.signal) : undefined,
        ]);
        return {
          source: source?.digest ?? null,
          mirror: mirror?.digest ?? null,
          ...(cache !== undefined ? { cache } : {}),
        };
      } catch (err) {
        // Nothing has changed while planning: say which side could not be read.
        if (context?.phase === 'plan' && err instanceof TransientError)
          throw new UserError(
            `could not read ${code(image.source)} or its ECR mirror (${err.message}); try again shortly`,
          );
        throw err;
      }
    },
    afterOf: (c, before) => ({ ...before, mirror: c.digest ?? before.source }),
    equals: (a, b) => a.mirror === b.mirror && a.source === b.source,
    validate(c, before) {
      const { image, tag } = resolve(c);
      if (!c.digest && !before.source)
        throw new UserError(`tag ${code(tag)} does not exist in ${code(image.source)}`);
      if ((c.digest ?? before.source) === before.mirror)
        throw new UserError(
          `ECR ${code(`${image.mirror.repository}:${tag}`)} already is ${shortDigest(before.mirror ?? '')}: nothing to sync`,
        );
      if (before.cache && !c.force) throw cacheRefusal(c, image, tag, before);
    },
    async apply(c, { after, signal, planId }) {
      const { image, tag } = resolve(c);
      const want = after.mirror;
      if (!want) throw new UserError('nothing to copy: the source tag has no build');
      const reporter = await startProgress(opts.progress, planId, code(`${image.mirror.repository}:${tag}`));
      // Other mirrors in the same registry share base layers: mounted there instead of uploaded again.
      const { env } = resolve(c);
      const mountFrom = env.images
        .flatMap((i) =>
          i.mirror && i.mirror.registry === image.mirror.registry ? [i.mirror.repository] : [],
        )
        .filter((r) => r !== image.mirror.repository);
      const result = await opts.registry.copy(image.source, want, image.mirror, tag, {
        signal,
        ...(mountFrom.length ? { mountFrom: [...new Set(mountFrom)] } : {}),
        ...(reporter ? { onProgress: reporter.update } : {}),
      });
      await reporter?.finish(result);
      if (result.digest && result.digest !== want)
        throw new UserError(
          `ECR stored the image as ${shortDigest(result.digest)}, not ${shortDigest(want)}: the manifest bytes changed on the way`,
        );
    },
    async verify(c, after, context) {
      const { env, image, tag } = resolve(c);
      const now = await opts.registry.mirrorImage(image.mirror, tag, { signal: context?.signal });
      const ok = now?.digest === after.mirror;
      // The restart starts only once ECR is known to serve the build the pods should pull.
      if (ok && c.restart && after.mirror) return restart(env, image, tag, after.mirror, context);
      return {
        ok,
        detail: ok
          ? `ECR ${code(`${image.mirror.repository}:${tag}`)} = ${shortDigest(now?.digest ?? '')}, the source's digest. Clusters run it once their pods restart.`
          : `ECR ${code(`${image.mirror.repository}:${tag}`)} is ${now ? shortDigest(now.digest) : 'missing'}, expected ${shortDigest(after.mirror ?? '')}`,
      };
    },
    // With --restart the undo copies the previous build back to the tag and restarts the same deployments onto it.
    invert: (c, before) => ({
      environment: c.environment,
      ...(c.image ? { image: c.image } : {}),
      ...(c.tag ? { tag: c.tag } : {}),
      ...(before.mirror ? { digest: before.mirror } : {}),
      ...(c.restart ? { restart: true } : {}),
      ...(c.force ? { force: true } : {}),
    }),
    describe: (live) =>
      `ECR ${live.mirror ? shortDigest(live.mirror) : 'missing'} (source ${live.source ? shortDigest(live.source) : 'missing'})`,
    warnings: (c, before) => {
      const { env, image } = resolve(c);
      const cache = cacheWarnings(image, before);
      if (!c.restart && restartTargets(env, image).length === 0 && image.templates.length)
        return [
          ...cache,
          `New workspaces of ${image.templates.map(code).join(', ')} pull the new build once ECR has it; running ones keep theirs until they are rebuilt.`,
        ];
      if (!c.restart)
        return [
          ...cache,
          'Pods keep the build they run until they restart; check `/images status` afterwards and roll the Coder deployments (control plane first).',
        ];
      const order = restartTargets(env, image)
        .map((d) => `${code(d.target)} (${d.cluster})`)
        .join(' → ');
      const undo = before.mirror
        ? `Undo copies ${shortDigest(before.mirror)} back to the tag and restarts the same deployments onto it.`
        : 'Undo is not possible: the tag had no build in ECR before.';
      return [
        ...cache,
        `Part of this plan: once ECR serves the new build, a rollout restart of ${order}, one cluster at a time, each waited for and checked by the digest its pods run; it stops at the first failure (ImagePullBackOff, CrashLoopBackOff) and leaves the remaining clusters as they are. ${undo}`,
      ];
    },
  };

  async function restart(
    env: Environment,
    image: Resolved['image'],
    tag: string,
    want: string,
    context: { planId: string; signal: AbortSignal } | undefined,
  ): Promise<{ ok: boolean; detail: string }> {
    if (!opts.restart || !opts.progress)
      throw new Error('images kind built without clusters: cannot restart');
    const plan = context ? await opts.progress.plans.get(context.planId) : undefined;
    const thread = plan ? planThread(plan) : undefined;
    // A pod pulled by tag reports the index digest or its platform's: both are this build.
    const source = await opts.registry
      .sourceImage(image.source, tag, { signal: context?.signal })
      .catch(() => undefined);
    const accept = [want, ...(source?.digest === want ? source.platforms.map((p) => p.digest) : [])];
    const result = await restartCoderDeployments(
      { ...opts.progress, ...opts.restart },
      restartTargets(env, image),
      accept,
      { channel: plan?.channel ?? '', ...(thread ? { threadTs: thread } : {}) },
      context?.signal,
    );
    const previous = (plan?.before as { mirror?: string | null } | undefined)?.mirror;
    const ecr = `ECR ${code(`${image.mirror.repository}:${tag}`)} = ${shortDigest(want)}`;
    if (result.ok) return { ok: true, detail: `${ecr}; ${result.detail}` };
    const undo = previous
      ? ` Undo copies ${shortDigest(previous)} back to ECR and restarts the same deployments onto it.`
      : '';
    return { ok: false, detail: `${ecr}, but the ${result.detail}${undo}` };
  }
  return defineChangeKind(kind);
}

/** One message in the plan's thread, edited as blobs land; best effort (a failed post never fails the copy). */
async function startProgress(
  deps: ImagesKindOptions['progress'],
  planId: string,
  what: string,
): Promise<{ update: (p: CopyProgress) => void; finish: (p: CopyProgress) => Promise<void> } | undefined> {
  if (!deps) return undefined;
  const plan = await deps.plans.get(planId);
  if (!plan) return undefined;
  const thread = planThread(plan);
  const started = deps.clock.now();
  const zero = { blobsDone: 0, blobsTotal: 0, blobsSkipped: 0, bytesSent: 0 };
  try {
    const message = await deps.chat.post({
      channel: plan.channel,
      text: copyProgressText(what, zero, 0),
      ...(thread ? { threadTs: thread } : {}),
    });
    const reporter = createProgressReporter(deps.chat, message, { clock: deps.clock, pacer: deps.pacer });
    return {
      update: (p) => reporter.update(copyProgressText(what, p, deps.clock.now() - started)),
      finish: (p) => reporter.finish(copyProgressText(what, p, deps.clock.now() - started, true)),
    };
  } catch {
    return undefined;
  }
}
