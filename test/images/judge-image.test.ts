import { describe, expect, it } from 'vitest';
import type { DeploymentDigests } from '../../src/images/image-status.js';
import { judgeDeployment, judgeImage } from '../../src/images/judge-image.js';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const source = {
  digest: d(1),
  mediaType: 'application/vnd.oci.image.index.v1+json',
  platforms: [{ platform: 'linux/amd64', digest: d(2) }],
};
const row = (state: DeploymentDigests['state']): DeploymentDigests => ({
  target: 't',
  cluster: 'c',
  digests: {},
  state,
});

describe('image verdicts', () => {
  const synced = {
    source,
    mirror: { digest: d(1), pushedAt: 2000 },
    hasMirror: true,
    history: [{ digest: d(3), pushedAt: 1000 }],
  };

  it('a deployment on the mirror build (index or platform digest) is ok; several builds at once are mixed', () => {
    expect(judgeDeployment(synced, [d(1)])).toBe('ok');
    expect(judgeDeployment(synced, [d(2)])).toBe('ok');
    expect(judgeDeployment(synced, [d(1), d(3)])).toBe('mixed');
    expect(judgeDeployment(synced, [])).toBe('no pods');
  });

  it('an older mirror build is behind; the source build while the mirror lags is ahead', () => {
    expect(judgeDeployment(synced, [d(3)])).toBe('behind');
    const stale = { ...synced, mirror: { digest: d(3), pushedAt: 1000 } };
    expect(judgeDeployment(stale, [d(1)])).toBe('ahead');
    expect(judgeImage(stale, [row('ahead')])).toEqual(['mirror stale', 'cluster ahead']);
  });

  it('in sync only when nothing else applies; a missing tag in ECR is named', () => {
    expect(judgeImage(synced, [row('ok'), row('ok')])).toEqual(['in sync']);
    expect(judgeImage({ ...synced, mirror: null }, [row('ok')])).toEqual(['mirror missing']);
    expect(judgeImage({ ...synced, hasMirror: false, mirror: undefined }, [row('behind')])).toEqual([
      'cluster behind',
    ]);
  });

  it('a mirror that could not be read leaves the source as the reference: its build is ok, not "ahead"', () => {
    const { mirror: _unread, ...unread } = synced;
    expect(judgeDeployment(unread, [d(1)])).toBe('ok');
    expect(judgeDeployment(unread, [d(3)])).toBe('behind');
    expect(judgeImage(unread, [row('ok')])).toEqual(['unknown']);
  });

  it('with neither the source nor the mirror read, the pods are not judged (no false "behind")', () => {
    expect(judgeDeployment({ hasMirror: false, history: [] }, [d(3)])).toBe('unknown');
    expect(judgeDeployment({ hasMirror: true, history: [] }, [d(3)])).toBe('unknown');
    expect(judgeImage({ hasMirror: false, history: [] }, [row('unknown')])).toEqual(['unknown']);
  });
});
