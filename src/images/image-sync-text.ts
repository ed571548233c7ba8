import { UserError } from '../errors/user-error.js';
import type { Deployment, Image } from '../inventory/schema.js';
import type { MirrorRef } from '../ports/registry.js';
import { code } from '../slack-text/code.js';
import type { ImageSyncChange, ImageSyncLive } from './image-sync-change.js';
import { cacheWarnings } from './pull-through-sync.js';
import { shortDigest } from './short-digest.js';

type Mirrored = Image & { mirror: MirrorRef };

/** With `--restart`, ECR already serves the build the plan wants: only the pods have to move onto it. */
export function isRestartOnly(c: ImageSyncChange, before: ImageSyncLive): boolean {
  return Boolean(c.restart) && before.mirror !== null && (c.digest ?? before.source) === before.mirror;
}

const names = (targets: string[] | undefined) =>
  targets?.length ? targets.map(code).join(', ') : 'the Coder deployments';

/** The plan's line; given the state it starts from, a restart-only plan says that is all it does. */
export function syncSummary(
  c: ImageSyncChange,
  image: Mirrored,
  tag: string,
  before?: ImageSyncLive,
): string {
  const repo = code(`${image.mirror.repository}:${tag}`);
  if (before && isRestartOnly(c, before))
    return `restart ${names(before.behind)} onto the build ECR ${repo} already serves (${shortDigest(before.mirror ?? '')}); nothing is copied`;
  const what = c.digest ? `back to ${shortDigest(c.digest)}` : `to ${code(`${image.source}:${tag}`)}`;
  const restart = c.restart ? ', then restart the Coder deployments onto it' : '';
  return `sync ECR ${repo} ${what}${restart}`;
}

/** The live state in a few words: the tag on both sides and, with `--restart`, who is not on ECR's build. */
export function describeSync(live: ImageSyncLive): string {
  const ecr = `ECR ${live.mirror ? shortDigest(live.mirror) : 'missing'} (source ${live.source ? shortDigest(live.source) : 'missing'})`;
  if (!live.behind) return ecr;
  return live.behind.length
    ? `${ecr}; on another build: ${names(live.behind)}`
    : `${ecr}; every Coder deployment on it`;
}

/**
 * Why a plan that would leave the tag as it is was refused: nothing to sync, or (with `--restart`) nothing
 * to do since every restart target already runs ECR's build.
 */
export function nothingToDo(
  c: ImageSyncChange,
  image: Mirrored,
  tag: string,
  before: ImageSyncLive,
  targets: Deployment[],
): UserError {
  const head = `ECR ${code(`${image.mirror.repository}:${tag}`)} already is ${shortDigest(before.mirror ?? '')}`;
  if (c.restart)
    return new UserError(`${head}, and ${names(targets.map((d) => d.target))} all run it: nothing to do`);
  const restart = code(`/images sync ${image.id}${c.tag ? ` ${c.tag}` : ''} --restart`);
  return new UserError(
    `${head}: nothing to sync`,
    targets.length
      ? {
          hint: `If a Coder deployment still runs another build (\`/images status\` says *cluster behind*), ${restart} rolls it onto this one.`,
        }
      : undefined,
  );
}

/** The plan's warnings: the cache, what happens to the pods, and what Undo does (or that there is none). */
export function syncWarnings(
  c: ImageSyncChange,
  image: Mirrored,
  targets: Deployment[],
  before: ImageSyncLive,
): string[] {
  if (isRestartOnly(c, before)) return restartOnlyWarnings(image, targets, before);
  const cache = cacheWarnings(image, before);
  if (!c.restart && targets.length === 0 && image.templates.length)
    return [
      ...cache,
      `New workspaces of ${image.templates.map(code).join(', ')} pull the new build once ECR has it; running ones keep theirs until they are rebuilt.`,
    ];
  // Said here so nobody rolls the clusters by hand: the restart can be its own plan later.
  if (!c.restart)
    return [
      ...cache,
      targets.length
        ? `Pods keep the build they run until they restart: ${code(`/images sync ${image.id} --restart`)} rolls the Coder deployments onto it (control plane first), now or later (\`/images status\` says *cluster behind* meanwhile).`
        : 'Pods keep the build they run until they restart; check `/images status` afterwards.',
    ];
  const order = targets.map((d) => `${code(d.target)} (${d.cluster})`).join(' → ');
  const undo = before.mirror
    ? `Undo copies ${shortDigest(before.mirror)} back to the tag and restarts the same deployments onto it.`
    : 'Undo is not possible: the tag had no build in ECR before.';
  return [
    ...cache,
    `Part of this plan: once ECR serves the new build, a rollout restart of ${order}, one cluster at a time, each waited for and checked by the digest its pods run; it stops at the first failure (ImagePullBackOff, CrashLoopBackOff) and leaves the remaining clusters as they are. ${undo}`,
  ];
}

/** Nothing is pushed, so the cache warnings do not apply; there is no earlier ECR build for an Undo to restore. */
function restartOnlyWarnings(image: Mirrored, targets: Deployment[], before: ImageSyncLive): string[] {
  const behind = targets.filter((d) => before.behind?.includes(d.target));
  const order = behind.map((d) => `${code(d.target)} (${d.cluster})`).join(' → ');
  const build = `${shortDigest(before.mirror ?? '')}${before.mirror === before.source ? ' (the source’s build)' : ''}`;
  return [
    `Restart only: ECR already serves ${build}, so nothing is copied. A rollout restart of ${order || names(before.behind)}, one cluster at a time (control plane first), each waited for and checked by the digest its pods run; deployments already on the build are left alone; it stops at the first failure (ImagePullBackOff, CrashLoopBackOff).`,
    `No Undo: ECR keeps serving the same build, so there is no earlier build to restore, and a restart cannot bring back the build the pods ran before. To run another build, sync that one (${code(`/images sync ${image.id} <tag> --restart`)}).`,
  ];
}

/** Why a restart-only plan has no Undo, for its result (which offers no button). */
export function noUndoReason(image: Mirrored): string {
  return `ECR still serves the build it served before, so there is nothing to restore; to run another build, sync that one (${code(`/images sync ${image.id} <tag> --restart`)}).`;
}

/** The Undo of a restart-only plan pressed anyway (an older result): refused, saying why. */
export function noUndo({ image, tag }: { image: Mirrored; tag: string }, before: ImageSyncLive): UserError {
  return new UserError(
    `This plan restarted the Coder deployments onto the build ECR ${code(`${image.mirror.repository}:${tag}`)} already served (${shortDigest(before.mirror ?? '')}): there is no earlier ECR build to restore, and a restart cannot bring back the build the pods ran before.`,
    { hint: `To run another build, sync that one: ${code(`/images sync ${image.id} <tag> --restart`)}.` },
  );
}
