import { DIGEST_PATTERN } from '../oci/media-types.js';
import type { RegistryStore } from '../oci/registry-store.js';
import type { Clock } from '../shared/clock.js';

/** ECR re-checks a cached tag upstream on a pull at most this often. */
export const UPSTREAM_CHECK_MS = 24 * 3_600_000;

/** A pull-through cache rule as ECR stores it (DescribePullThroughCacheRules). */
export interface PullThroughRule {
  ecrRepositoryPrefix: string;
  upstreamRegistryUrl: string;
  /** `github-container-registry`, `docker-hub` … */
  upstreamRegistry: string;
  /** Secrets Manager secret (`ecr-pullthroughcache/…`) with the upstream's credentials. */
  credentialArn?: string;
  /** Absent: the upstream registry's root (ECR's `ROOT`). */
  upstreamRepositoryPrefix?: string;
  createdAt: number;
  updatedAt: number;
}

export interface PullThroughCacheOptions {
  clock: Clock;
  /** The ECR store the cached repositories live in. */
  cache: RegistryStore;
  /** Upstream registries by `upstreamRegistryUrl` (the sandbox's GHCR as `ghcr.io`). */
  upstreams: Record<string, RegistryStore>;
  rules: Omit<PullThroughRule, 'createdAt' | 'updatedAt'>[];
}

/**
 * ECR's pull-through cache: the rules (read with DescribePullThroughCacheRules) and what a pull through
 * the ECR registry does under them. A tag not cached yet is fetched from upstream on its first pull (the
 * repository is created then); a cached one is re-checked upstream on a pull once its last check is 24 h
 * old, so in between it can lag a tag that moved upstream.
 */
export class PullThroughCache {
  private readonly rules: PullThroughRule[];
  /** `repo:tag` → when ECR last asked upstream about it (absent: when it was cached). */
  private readonly checked = new Map<string, number>();

  constructor(private readonly opts: PullThroughCacheOptions) {
    const now = opts.clock.now();
    this.rules = opts.rules.map((r) => ({ ...r, createdAt: now, updatedAt: now }));
  }

  list(): readonly PullThroughRule[] {
    return this.rules;
  }

  /** The rule `repo` is cached under (the longest prefix) and the upstream repository it caches. */
  match(repo: string): { rule: PullThroughRule; upstreamRepo: string } | undefined {
    const rule = this.rules
      .filter((r) => repo.startsWith(`${r.ecrRepositoryPrefix}/`))
      .sort((a, b) => b.ecrRepositoryPrefix.length - a.ecrRepositoryPrefix.length)[0];
    if (!rule) return undefined;
    const path = repo.slice(rule.ecrRepositoryPrefix.length + 1);
    return { rule, upstreamRepo: [rule.upstreamRepositoryPrefix, path].filter(Boolean).join('/') };
  }

  /** Called before the ECR registry serves a manifest of `repo:ref`: fills or refreshes a cached tag. */
  onPull(repo: string, ref: string): void {
    const m = this.match(repo);
    const upstream = m ? this.opts.upstreams[m.rule.upstreamRegistryUrl] : undefined;
    // By digest, ECR serves only what is cached: an uncached digest is not fetched on a first pull.
    if (!m || !upstream || DIGEST_PATTERN.test(ref)) return;
    const { cache, clock } = this.opts;
    const key = `${repo}:${ref}`;
    const cached = cache.resolve(repo, ref);
    const lastCheck = this.checked.get(key) ?? this.pushedAt(repo, cached?.digest);
    if (cached && lastCheck !== undefined && clock.now() - lastCheck < UPSTREAM_CHECK_MS) return;
    this.checked.set(key, clock.now());
    const source = upstream.resolve(m.upstreamRepo, ref);
    if (!source || source.digest === cached?.digest) return;
    cache.copyImage(upstream, m.upstreamRepo, ref, repo);
    cache.onTag?.(repo, ref, source.digest);
  }

  /** Forgets the upstream checks made since the start (the control API's reset restores the cached images). */
  reset(): void {
    this.checked.clear();
  }

  private pushedAt(repo: string, digest: string | undefined): number | undefined {
    return digest ? this.opts.cache.listImages(repo)?.find((i) => i.digest === digest)?.pushedAt : undefined;
  }
}
