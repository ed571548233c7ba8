import { describe, expect, it } from 'vitest';
import { pullThroughOf, sameRepository } from '../../src/images/pull-through-of.js';

const ghcr = { prefix: 'ghcr', upstreamRegistry: 'ghcr.io' };

describe('pullThroughOf', () => {
  it('a repository under a rule’s prefix caches the upstream path below it; others are plain mirrors', () => {
    expect(pullThroughOf([ghcr], 'ghcr/coder/envbuilder')).toEqual({
      prefix: 'ghcr',
      upstream: 'ghcr.io/coder/envbuilder',
    });
    expect(pullThroughOf([ghcr], 'coder-preview')).toBeUndefined();
    // A prefix is a whole path segment: `ghcr-mirror/x` is not under `ghcr`.
    expect(pullThroughOf([ghcr], 'ghcr-mirror/coder/envbuilder')).toBeUndefined();
  });

  it('the longest prefix wins; an upstream repository prefix and ROOT are applied', () => {
    const rules = [
      ghcr,
      { prefix: 'ghcr/coder', upstreamRegistry: 'ghcr.io', upstreamRepositoryPrefix: 'coder' },
      { prefix: 'ROOT', upstreamRegistry: '111122223333.dkr.ecr.us-west-2.amazonaws.com' },
    ];
    expect(pullThroughOf(rules, 'ghcr/coder/envbuilder')?.upstream).toBe('ghcr.io/coder/envbuilder');
    expect(pullThroughOf(rules, 'ghcr/coder/envbuilder')?.prefix).toBe('ghcr/coder');
    expect(pullThroughOf(rules, 'team/app')?.upstream).toBe(
      '111122223333.dkr.ecr.us-west-2.amazonaws.com/team/app',
    );
  });

  it('Docker Hub’s registry URL names docker.io repositories', () => {
    const hub = pullThroughOf(
      [{ prefix: 'docker-hub', upstreamRegistry: 'registry-1.docker.io' }],
      'docker-hub/library/nginx',
    );
    expect(sameRepository(hub!.upstream, 'docker.io/library/nginx')).toBe(true);
  });
});
