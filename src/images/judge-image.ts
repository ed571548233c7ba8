import type { MirrorImage, SourceImage } from '../ports/registry.js';
import type { DeploymentDigests, DeploymentImageState, ImageVerdict } from './image-status.js';

export interface JudgeInput {
  source?: SourceImage;
  /** undefined: no mirror configured; null: the mirror lacks the tag. */
  mirror?: MirrorImage | null;
  hasMirror: boolean;
  /** Every image of the mirror repository with its push time. */
  history: MirrorImage[];
}

/**
 * What a deployment runs, against the build it should run (the mirror's tag when there is a mirror, the
 * source's otherwise). A platform digest of the same index counts as the same build. "ahead" is only said
 * when provable: the cluster runs the source's build while the mirror lags, or a mirror build pushed later.
 */
export function judgeDeployment(input: JudgeInput, digests: string[]): DeploymentImageState {
  if (digests.length === 0) return 'no pods';
  if (digests.length > 1) return 'mixed';
  const d = digests[0]!;
  const { source, mirror } = input;
  const sourceBuild = source ? [source.digest, ...source.platforms.map((p) => p.digest)] : [];
  // A mirror that could not be read is no reference: the source's build is what the clusters should run then.
  const reference = input.hasMirror && mirror !== undefined ? mirror?.digest : source?.digest;
  // Neither side could be read: calling the pods "behind" would be a false alarm about a registry outage.
  if (reference === undefined && !source) return 'unknown';
  const referenceBuild =
    reference === source?.digest ? sourceBuild : reference !== undefined ? [reference] : [];
  if (referenceBuild.includes(d)) return 'ok';
  if (sourceBuild.includes(d)) return 'ahead';
  const pushed = input.history.find((h) => h.digest === d)?.pushedAt;
  if (pushed !== undefined && mirror?.pushedAt !== undefined && pushed > mirror.pushedAt) return 'ahead';
  return 'behind';
}

/** The row's verdicts, most urgent first; `in sync` only when nothing else applies. */
export function judgeImage(input: JudgeInput, deployments: DeploymentDigests[]): ImageVerdict[] {
  const out: ImageVerdict[] = [];
  if (!input.source) out.push('unknown');
  if (input.hasMirror) {
    if (input.mirror === null) out.push('mirror missing');
    else if (input.mirror && input.source && input.mirror.digest !== input.source.digest)
      out.push('mirror stale');
    else if (!input.mirror) out.push('unknown');
  }
  const states = new Set(deployments.map((d) => d.state));
  if (states.has('mixed')) out.push('mixed');
  if (states.has('behind')) out.push('cluster behind');
  if (states.has('ahead')) out.push('cluster ahead');
  if ((states.has('unreadable') || states.has('unknown')) && !out.includes('unknown')) out.push('unknown');
  return out.length ? [...new Set(out)] : ['in sync'];
}
