import type { Image } from '../inventory/schema.js';
import type { MirrorImage, SourceImage } from '../ports/registry.js';
import type { PullThroughCache } from './pull-through-of.js';

/** Where one deployment stands against the image it should run (`unknown`: no build to compare with). */
export type DeploymentImageState = 'ok' | 'behind' | 'ahead' | 'mixed' | 'no pods' | 'unreadable' | 'unknown';

export interface DeploymentDigests {
  target: string;
  cluster: string;
  /** digest → running containers on it (pods' imageID). */
  digests: Record<string, number>;
  state: DeploymentImageState;
  /** Why it could not be read (a short, already classified reason). */
  error?: string;
  /** A Coder server or proxy: `/images sync --restart` can roll it onto the mirror's build. */
  restartable?: boolean;
}

export type ImageVerdict =
  | 'in sync'
  | 'mirror stale'
  | 'mirror missing'
  | 'cluster behind'
  | 'cluster ahead'
  | 'mixed'
  | 'unknown';

/** One inventory image: source (GHCR), mirror (ECR) and what each deployment really runs. */
export interface ImageStatus {
  image: Image;
  source?: SourceImage;
  sourceError?: string;
  /** undefined when the image has no mirror; `null` when the mirror has no such tag. */
  mirror?: MirrorImage | null;
  mirrorError?: string;
  /** The mirror is an ECR pull-through cache (its registry's rules say so): filled by pulls, not synced. */
  cache?: PullThroughCache;
  /** Why the registry's pull-through cache rules could not be read. */
  cacheError?: string;
  deployments: DeploymentDigests[];
  verdicts: ImageVerdict[];
}
