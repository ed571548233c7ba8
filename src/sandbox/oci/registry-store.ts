import { type Clock, systemClock } from '../shared/clock.js';
import { buildImage } from './build-image.js';
import { DIGEST_PATTERN, sha256Digest } from './media-types.js';
import { type ParsedManifest, parseManifest } from './parse-manifest.js';
import { copyRepos, type RegistrySnapshot, type RepoState } from './registry-snapshot.js';

export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
}

export interface StoredImage {
  digest: string;
  mediaType: string;
  tags: string[];
  pushedAt: number;
  /** Compressed size: config + layers; for an index, the largest of its manifests (as ECR reports). */
  sizeBytes: number;
  /** Config media type of an image manifest (ECR's artifactMediaType). */
  configMediaType?: string;
  /** True when the manifest is only reachable through an index (a per-platform child). */
  child: boolean;
}

export interface SeedOptions {
  /** Default linux/amd64 and linux/arm64. */
  platforms?: string[];
  /** OCI index + manifests (default) or Docker manifest list + schema 2 manifests. */
  format?: 'oci' | 'docker';
  /** Extra layers of these sizes per platform (deterministic bytes), for copy tests and benchmarks. */
  layerBytes?: number[];
}

const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** Content-addressed registry data: repositories → tags → manifest digests; manifests and blobs by digest. */
export class RegistryStore {
  private readonly manifests = new Map<string, StoredManifest>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly repos = new Map<string, RepoState>();
  private readonly generations = new Map<string, number>();
  /** Told when a push moves a tag (a registry webhook): the clusters resolve the tag to the new build. */
  onTag: ((repo: string, tag: string, digest: string) => void) | undefined;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Forgets every repository, manifest and blob (the control API's reset re-seeds afterwards). */
  clear(): void {
    this.manifests.clear();
    this.blobs.clear();
    this.repos.clear();
    this.generations.clear();
  }

  /** Everything stored, as a copy `restore` can bring back (the control API's reset). */
  snapshot(): RegistrySnapshot {
    return {
      manifests: new Map(this.manifests),
      blobs: new Map(this.blobs),
      repos: copyRepos(this.repos),
      generations: new Map(this.generations),
    };
  }

  /** Back to a snapshot: the same repositories, tags, digests and push times (stored bytes are shared, never mutated). */
  restore(snapshot: RegistrySnapshot): void {
    this.clear();
    for (const [k, v] of snapshot.manifests) this.manifests.set(k, v);
    for (const [k, v] of snapshot.blobs) this.blobs.set(k, v);
    for (const [k, v] of copyRepos(snapshot.repos)) this.repos.set(k, v);
    for (const [k, v] of snapshot.generations) this.generations.set(k, v);
  }

  createRepository(repo: string): void {
    if (!this.repos.has(repo))
      this.repos.set(repo, {
        createdAt: this.clock.now(),
        tags: new Map(),
        manifests: new Map(),
        blobs: new Set(),
      });
  }

  hasRepository(repo: string): boolean {
    return this.repos.has(repo);
  }

  repositories(): string[] {
    return [...this.repos.keys()].sort();
  }

  repositoryCreatedAt(repo: string): number | undefined {
    return this.repos.get(repo)?.createdAt;
  }

  tags(repo: string): string[] | undefined {
    const state = this.repos.get(repo);
    return state ? [...state.tags.keys()].sort() : undefined;
  }

  /** Builds and stores a multi-platform image under `repo:tag`; returns the index digest. */
  seedImage(repo: string, tag: string, opts: SeedOptions = {}): string {
    this.generations.set(`${repo}:${tag}`, 0);
    return this.storeBuilt(
      repo,
      tag,
      opts.platforms ?? DEFAULT_PLATFORMS,
      opts.format ?? 'oci',
      0,
      opts.layerBytes,
    );
  }

  /** Simulates a new upstream release of the same tag: new layers, so a new index digest. */
  pushUpstream(repo: string, tag: string): string {
    const current = this.resolve(repo, tag);
    if (!current) throw new Error(`${repo}:${tag} does not exist`);
    const generation = (this.generations.get(`${repo}:${tag}`) ?? 0) + 1;
    this.generations.set(`${repo}:${tag}`, generation);
    const parsed = this.parsed(current.digest);
    const platforms =
      parsed?.kind === 'index'
        ? parsed.manifests.flatMap((m) => (m.platform ? [platformText(m.platform)] : []))
        : DEFAULT_PLATFORMS;
    const format = current.mediaType.includes('docker') ? 'docker' : 'oci';
    return this.storeBuilt(repo, tag, platforms, format, generation);
  }

  /** Copies `repo:tag` with its exact bytes from another store (a mirror): same bytes → same digests. */
  copyImage(from: RegistryStore, repo: string, tag: string, toRepo: string = repo): string {
    const source = from.resolve(repo, tag);
    if (!source) throw new Error(`${repo}:${tag} does not exist in the source registry`);
    this.createRepository(toRepo);
    this.copyManifest(from, repo, source.digest, toRepo);
    this.repos.get(toRepo)!.tags.set(tag, source.digest);
    return source.digest;
  }

  /**
   * Removes `tag` from `repo`, and the manifest it named when no other tag names it (ECR's
   * `batch-delete-image` by tag); false when there was no such tag.
   */
  untag(repo: string, tag: string): boolean {
    const state = this.repos.get(repo);
    const digest = state?.tags.get(tag);
    if (!state || !digest) return false;
    state.tags.delete(tag);
    if (![...state.tags.values()].includes(digest)) state.manifests.delete(digest);
    return true;
  }

  /** Tag or digest → the manifest it names in `repo`. */
  resolve(repo: string, ref: string): { digest: string; mediaType: string } | undefined {
    const state = this.repos.get(repo);
    if (!state) return undefined;
    const digest = DIGEST_PATTERN.test(ref)
      ? state.manifests.has(ref)
        ? ref
        : undefined
      : state.tags.get(ref);
    const manifest = digest ? this.manifests.get(digest) : undefined;
    return digest && manifest ? { digest, mediaType: manifest.mediaType } : undefined;
  }

  getManifest(repo: string, digest: string): StoredManifest | undefined {
    return this.repos.get(repo)?.manifests.has(digest) ? this.manifests.get(digest) : undefined;
  }

  getBlob(repo: string, digest: string): Buffer | undefined {
    return this.repos.get(repo)?.blobs.has(digest) ? this.blobs.get(digest) : undefined;
  }

  putBlob(repo: string, bytes: Buffer): string {
    const state = this.requireRepo(repo);
    const digest = sha256Digest(bytes);
    if (!this.blobs.has(digest)) this.blobs.set(digest, bytes);
    state.blobs.add(digest);
    return digest;
  }

  /** Cross-repository mount: links an existing blob of `fromRepo` into `repo`. */
  mountBlob(fromRepo: string, repo: string, digest: string): boolean {
    if (!this.getBlob(fromRepo, digest)) return false;
    this.requireRepo(repo).blobs.add(digest);
    return true;
  }

  /**
   * Stores a manifest whose references are already checked (see `missingReference`); tags it when
   * `tag` is given. Returns its digest.
   */
  putManifest(repo: string, bytes: Buffer, mediaType: string, tag?: string): string {
    const state = this.requireRepo(repo);
    const digest = sha256Digest(bytes);
    if (!this.manifests.has(digest)) this.manifests.set(digest, { bytes, mediaType });
    if (!state.manifests.has(digest)) state.manifests.set(digest, this.clock.now());
    if (tag !== undefined && state.tags.get(tag) !== digest) {
      state.tags.set(tag, digest);
      this.onTag?.(repo, tag, digest);
    }
    return digest;
  }

  /** The first manifest or blob a parsed manifest references that `repo` lacks, if any. */
  missingReference(repo: string, parsed: ParsedManifest): string | undefined {
    if (parsed.kind === 'index')
      return parsed.manifests.find((m) => !this.getManifest(repo, m.digest))?.digest;
    return [parsed.config, ...parsed.layers].find((d) => !this.getBlob(repo, d.digest))?.digest;
  }

  /** Every manifest in `repo` with its tags, size and push time (ECR DescribeImages). */
  listImages(repo: string): StoredImage[] | undefined {
    const state = this.repos.get(repo);
    if (!state) return undefined;
    const children = new Set<string>();
    for (const digest of state.manifests.keys()) {
      const parsed = this.parsed(digest);
      if (parsed?.kind === 'index') for (const m of parsed.manifests) children.add(m.digest);
    }
    return [...state.manifests].map(([digest, pushedAt]) => {
      const manifest = this.manifests.get(digest)!;
      const parsed = this.parsed(digest);
      const tags = [...state.tags].filter(([, d]) => d === digest).map(([t]) => t);
      return {
        digest,
        mediaType: manifest.mediaType,
        tags: tags.sort(),
        pushedAt,
        sizeBytes: this.sizeOf(digest),
        ...(parsed?.kind === 'image' && parsed.config.mediaType
          ? { configMediaType: parsed.config.mediaType }
          : {}),
        child: children.has(digest) && tags.length === 0,
      };
    });
  }

  private sizeOf(digest: string): number {
    const parsed = this.parsed(digest);
    if (!parsed) return 0;
    if (parsed.kind === 'index') return Math.max(0, ...parsed.manifests.map((m) => this.sizeOf(m.digest)));
    return parsed.config.size + parsed.layers.reduce((sum, l) => sum + l.size, 0);
  }

  private parsed(digest: string): ParsedManifest | undefined {
    const manifest = this.manifests.get(digest);
    if (!manifest) return undefined;
    const parsed = parseManifest(manifest.bytes, manifest.mediaType);
    return 'error' in parsed ? undefined : parsed;
  }

  private storeBuilt(
    repo: string,
    tag: string,
    platforms: string[],
    format: 'oci' | 'docker',
    generation: number,
    layerBytes?: number[],
  ): string {
    this.createRepository(repo);
    const built = buildImage({
      repo,
      tag,
      platforms,
      format,
      generation,
      ...(layerBytes ? { layerBytes } : {}),
    });
    for (const blob of built.blobs) this.putBlob(repo, blob);
    for (const child of built.children) this.putManifest(repo, child.bytes, child.mediaType);
    return this.putManifest(repo, built.index.bytes, built.index.mediaType, tag);
  }

  private copyManifest(from: RegistryStore, fromRepo: string, digest: string, toRepo: string): void {
    const manifest = from.getManifest(fromRepo, digest);
    if (!manifest) throw new Error(`manifest ${digest} missing in ${fromRepo}`);
    const parsed = parseManifest(manifest.bytes, manifest.mediaType);
    if ('error' in parsed) throw new Error(`manifest ${digest} is invalid: ${parsed.error}`);
    if (parsed.kind === 'index') {
      for (const m of parsed.manifests) this.copyManifest(from, fromRepo, m.digest, toRepo);
    } else {
      for (const d of [parsed.config, ...parsed.layers]) {
        const blob = from.getBlob(fromRepo, d.digest);
        if (!blob) throw new Error(`blob ${d.digest} missing in ${fromRepo}`);
        this.putBlob(toRepo, blob);
      }
    }
    this.putManifest(toRepo, manifest.bytes, manifest.mediaType);
  }

  private requireRepo(repo: string): RepoState {
    const state = this.repos.get(repo);
    if (!state) throw new Error(`repository ${repo} does not exist`);
    return state;
  }
}

function platformText(p: { os: string; architecture: string; variant?: string | undefined }): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}
