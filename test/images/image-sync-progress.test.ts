import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { createImagesKind } from '../../src/images/create-images-kind.js';
import type { ImageSyncChange, ImageSyncLive } from '../../src/images/image-sync-change.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import type { ChangeKind } from '../../src/plans/change-kind.js';
import type { Clusters } from '../../src/ports/clusters.js';
import type { Registry } from '../../src/ports/registry.js';

// Pure parts of the images kind (no registry or cluster is called): where a live state stands between a
// plan's before and after, and what a restart-only plan allows, says and refuses.
const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;
const OTHER = `sha256:${'c'.repeat(64)}`;
const ALL = ['coder', 'proxy:us-west-2', 'proxy:eu-west-2'];

let kind: ChangeKind<ImageSyncChange, ImageSyncLive>;
beforeAll(async () => {
  const environments = await loadInventory(join(import.meta.dirname, '../../infra'));
  kind = createImagesKind({
    environments,
    registry: {} as Registry,
    restart: { clusters: {} as Clusters },
  });
});

const restart: ImageSyncChange = { environment: 'ai.coder.com', image: 'coder', restart: true };
const live = (mirror: string | null, behind?: string[]): ImageSyncLive => ({
  mirror,
  source: NEW,
  ...(behind ? { behind } : {}),
});
const progress = (now: ImageSyncLive, before: ImageSyncLive) =>
  kind.progress!(now, before, kind.afterOf(restart, before));

describe('a restart-only plan (ECR already serves the source build, a cluster runs another)', () => {
  const before = live(NEW, ['proxy:eu-west-2']);

  it('leads to every target on the build, and is told apart from it', () => {
    expect(kind.afterOf(restart, before)).toEqual(live(NEW, []));
    expect(kind.equals(before, kind.afterOf(restart, before))).toBe(false);
    expect(progress(before, before)).toBe('before');
    expect(progress(live(NEW, []), before)).toBe('after');
  });

  it('a restart stopped halfway is partial; a cluster that left the build since the plan, or a moved tag, is a conflict', () => {
    const two = live(NEW, ['proxy:us-west-2', 'proxy:eu-west-2']);
    expect(progress(live(NEW, ['proxy:us-west-2']), two)).toBe('partial');
    expect(progress(live(NEW, ['coder', 'proxy:eu-west-2']), before)).toBe('conflict');
    expect(progress(live(OTHER, ['proxy:eu-west-2']), before)).toBe('conflict');
    expect(progress({ ...before, source: OTHER }, before)).toBe('conflict');
  });

  it('is allowed by validate, says it copies nothing, and has no Undo', () => {
    expect(() => kind.validate!(restart, before)).not.toThrow();
    expect(kind.summary(restart, before)).toMatch(
      /^restart `proxy:eu-west-2` onto the build ECR `coder-preview:v2\.28\.0` already serves \(`sha256:bbbbbbbbbbbb…`\); nothing is copied$/,
    );
    const warnings = kind.warnings!(restart, before).join('\n');
    expect(warnings).toContain(
      'Restart only: ECR already serves `sha256:bbbbbbbbbbbb…` (the source’s build)',
    );
    expect(warnings).toContain('`proxy:eu-west-2` (eu-west-2)');
    expect(warnings).not.toContain('`coder` (us-east-2)');
    expect(warnings).toContain('No Undo');
    expect(() => kind.invert(restart, before)).toThrow(/no earlier ECR build to restore/);
  });

  it('is refused when every target runs the build, or without --restart', () => {
    expect(() => kind.validate!(restart, live(NEW, []))).toThrow(
      /already is `sha256:bbbbbbbbbbbb…`, and `coder`, `proxy:us-west-2`, `proxy:eu-west-2` all run it: nothing to do/,
    );
    const plain = { environment: 'ai.coder.com', image: 'coder' };
    let refusal: unknown;
    try {
      kind.validate!(plain, live(NEW));
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(UserError);
    expect((refusal as UserError).message).toMatch(/nothing to sync$/);
    expect((refusal as UserError).hint).toContain('`/images sync coder --restart` rolls it onto this one');
  });
});

describe('a copy then restart', () => {
  // Planned with the clusters on the mirror's old build: none is "behind" it yet.
  const before = live(OLD, []);

  it('copied but not yet restarted is partial, not a conflict (a resumed apply finishes it)', () => {
    expect(progress(before, before)).toBe('before');
    expect(progress(live(NEW, ALL), before)).toBe('partial');
    expect(progress(live(NEW, ['proxy:eu-west-2']), before)).toBe('partial');
    expect(progress(live(NEW, []), before)).toBe('after');
    // Before the copy, what the pods run does not matter: the plan restarts them all once ECR has the build.
    expect(progress(live(OLD, ['coder']), before)).toBe('before');
    expect(progress(live(OTHER, []), before)).toBe('conflict');
  });

  it('keeps its Undo: the previous build copied back and the same deployments restarted onto it', () => {
    expect(kind.summary(restart, before)).toContain('then restart the Coder deployments onto it');
    expect(kind.invert(restart, before)).toEqual({ ...restart, digest: OLD });
  });
});

describe('plans stored before the targets were recorded', () => {
  it('parse, and are judged by the tag alone', () => {
    const before = kind.live.parse({ mirror: OLD, source: NEW });
    const after = kind.afterOf(restart, before);
    expect(after).toEqual({ mirror: NEW, source: NEW });
    // The apply reads the targets now; an old plan's before has none, so they are left out of the comparison.
    expect(kind.progress!(live(OLD, []), before, after)).toBe('before');
    expect(kind.progress!(live(NEW, ALL), before, after)).toBe('after');
    expect(kind.equals(live(NEW, ALL), after)).toBe(true);
  });
});
