import type { PullThroughRule } from '../ports/registry.js';

/** A mirror repository that is an ECR pull-through cache: the rule's prefix and what it caches. */
export interface PullThroughCache {
  prefix: string;
  /** `ghcr.io/coder/envbuilder`: the upstream repository the cache fills from. */
  upstream: string;
}

/**
 * The cache a repository belongs to: ECR keeps `<prefix>/<path>` for `<upstream>/<upstream prefix>/<path>`
 * (prefix `ROOT`: every repository). The longest matching prefix wins, as rules may nest.
 */
export function pullThroughOf(rules: PullThroughRule[], repository: string): PullThroughCache | undefined {
  const matches = rules
    .map((rule) => ({ rule, path: pathUnder(rule.prefix, repository) }))
    .filter((m): m is { rule: PullThroughRule; path: string } => m.path !== undefined)
    .sort((a, b) => b.rule.prefix.length - a.rule.prefix.length);
  const best = matches[0];
  if (!best) return undefined;
  const upstreamPath = [best.rule.upstreamRepositoryPrefix, best.path].filter(Boolean).join('/');
  return {
    prefix: best.rule.prefix,
    upstream: `${best.rule.upstreamRegistry.replace(/^https?:\/\//, '').replace(/\/$/, '')}/${upstreamPath}`,
  };
}

function pathUnder(prefix: string, repository: string): string | undefined {
  if (prefix === 'ROOT') return repository;
  return repository.startsWith(`${prefix}/`) ? repository.slice(prefix.length + 1) : undefined;
}

/** `registry-1.docker.io/library/x` and `docker.io/library/x` name the same repository. */
export function sameRepository(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^registry-1\.docker\.io\//, 'docker.io/');
  return norm(a) === norm(b);
}
