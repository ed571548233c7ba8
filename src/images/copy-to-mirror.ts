import { UserError } from '../errors/user-error.js';
import type { ApplyContext } from '../plans/change-kind.js';
import type { PlanStore } from '../plans/plan-store.js';
import { planThread } from '../plans/post-plan-message.js';
import type { Chat } from '../ports/chat.js';
import type { Clock } from '../ports/clock.js';
import type { CopyProgress, Registry } from '../ports/registry.js';
import { createProgressReporter, type ProgressPacer } from '../queue/create-progress-reporter.js';
import { code } from '../slack-text/code.js';
import { copyProgressText } from './copy-progress-text.js';
import type { ImageSyncLive } from './image-sync-change.js';
import type { ResolvedSync } from './resolve-image-sync.js';
import { shortDigest } from './short-digest.js';

/** What the copy reports to: one progress message in the plan's thread (≤ 1 edit/s per channel). */
export interface CopyProgressDeps {
  plans: PlanStore;
  chat: Chat;
  clock: Clock;
  pacer: ProgressPacer;
}

/**
 * Apply of an image sync: copies `source@digest` to the mirror's tag over the OCI API, then checks ECR
 * stored it under the same digest. Skipped when ECR already serves the build — a restart-only plan, or a
 * resumed apply after the copy — since the restart (in verify) is all that is left then.
 */
export async function copyToMirror(
  deps: { registry: Registry; progress: CopyProgressDeps | undefined },
  { env, image, tag }: ResolvedSync,
  { after, live, signal, planId }: ApplyContext<ImageSyncLive>,
): Promise<void> {
  const want = after.mirror;
  if (!want) throw new UserError('nothing to copy: the source tag has no build');
  if (live.mirror === want) return;
  const reporter = await startProgress(deps.progress, planId, code(`${image.mirror.repository}:${tag}`));
  // Other mirrors in the same registry share base layers: mounted there instead of uploaded again.
  const mountFrom = env.images
    .flatMap((i) => (i.mirror && i.mirror.registry === image.mirror.registry ? [i.mirror.repository] : []))
    .filter((r) => r !== image.mirror.repository);
  const result = await deps.registry.copy(image.source, want, image.mirror, tag, {
    signal,
    ...(mountFrom.length ? { mountFrom: [...new Set(mountFrom)] } : {}),
    ...(reporter ? { onProgress: reporter.update } : {}),
  });
  await reporter?.finish(result);
  if (result.digest && result.digest !== want)
    throw new UserError(
      `ECR stored the image as ${shortDigest(result.digest)}, not ${shortDigest(want)}: the manifest bytes changed on the way`,
    );
}

/** One message in the plan's thread, edited as blobs land; best effort (a failed post never fails the copy). */
async function startProgress(
  deps: CopyProgressDeps | undefined,
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
