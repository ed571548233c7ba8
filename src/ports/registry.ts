import type { CallOptions } from './call-options.js';

/** One platform of a multi-arch image (`linux/amd64` → its manifest digest). */
export interface PlatformDigest {
  platform: string;
  digest: string;
}

/** What a tag points at in the source registry (GHCR): the index digest, and each platform's when multi-arch. */
export interface SourceImage {
  digest: string;
  mediaType: string;
  platforms: PlatformDigest[];
}

/** A mirror repository in ECR (from the inventory's `images[].mirror`). */
export interface MirrorRef {
  registry: string;
  repository: string;
  region: string;
}

/** The mirror's image for a tag (ECR DescribeImages). */
export interface MirrorImage {
  digest: string;
  pushedAt?: number;
}

/**
 * An ECR pull-through cache rule (DescribePullThroughCacheRules): repositories under `<prefix>/` cache
 * `<upstreamRegistry>/<upstreamRepositoryPrefix>/…`, filled and refreshed by pulls.
 */
export interface PullThroughRule {
  prefix: string;
  /** `ghcr.io`, `registry-1.docker.io` … */
  upstreamRegistry: string;
  /** Upstream path prefix; absent for the registry's root. */
  upstreamRepositoryPrefix?: string;
}

export interface CopyProgress {
  blobsDone: number;
  blobsTotal: number;
  blobsSkipped: number;
  bytesSent: number;
  /** Of the skipped blobs, those linked from another repository of the mirror's registry (cross-repository mount). */
  blobsMounted?: number;
  /** Chunks resumed from the registry's reported offset after a failure mid-blob. */
  resumed?: number;
}

export interface CopyResult extends CopyProgress {
  /** The digest the mirror's tag now points at (equal to the source's when the bytes were preserved). */
  digest: string;
  manifests: number;
}

/** The source registry (GHCR) and its private mirror (ECR), reached through whatever credentials the adapter holds. */
export interface Registry {
  /** `source` is `ghcr.io/<repo>`; undefined when the tag does not exist. */
  sourceImage(source: string, tag: string, opts?: CallOptions): Promise<SourceImage | undefined>;
  /** The mirror's image for `tag`; undefined when the tag does not exist (or the repository is missing). */
  mirrorImage(mirror: MirrorRef, tag: string, opts?: CallOptions): Promise<MirrorImage | undefined>;
  /** Every image of the mirror repository with its push time (to tell older builds from unknown ones). */
  mirrorHistory(mirror: MirrorRef, opts?: CallOptions): Promise<MirrorImage[]>;
  /** The pull-through cache rules of the mirror's registry (its region and account). */
  pullThroughRules(mirror: MirrorRef, opts?: CallOptions): Promise<PullThroughRule[]>;
  /**
   * Copies `source@digest` to `mirror:tag` over the OCI API: blobs HEAD-checked and streamed, manifests
   * pushed with their original bytes and media type, every platform of an index preserved.
   */
  copy(
    source: string,
    digest: string,
    mirror: MirrorRef,
    tag: string,
    opts?: CallOptions & {
      onProgress?: (p: CopyProgress) => void;
      /** Other repositories of the mirror's registry to mount blobs from before uploading them. */
      mountFrom?: string[];
    },
  ): Promise<CopyResult>;
}
