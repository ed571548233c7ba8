import { afterAll, describe, expect, it } from 'vitest';
import { createOpsbotJobs } from '../../src/app/create-job-registry.js';
import { CHANGE_KINDS } from '../../src/changes/change-kinds.js';
import { DNS_KIND } from '../../src/changes/dns/dns-change.js';
import { ROTATION_KIND } from '../../src/changes/rotation/rotation-kind.js';
import { SCALE_KIND } from '../../src/changes/scale/scale-kind.js';
import { COMMAND_JOBS } from '../../src/commands/command-jobs.js';
import type { PlannedChange, SubcommandSpec } from '../../src/commands/command-spec.js';
import { createCommandRegistry } from '../../src/commands/registry.js';
import { IMAGES_KIND } from '../../src/images/create-images-kind.js';
import { createFlagKind } from '../../src/plans/kinds/flag-kind.js';
import { connect, uniquePrefix } from '../support/redis.js';

const redis = connect();
afterAll(() => redis.quit());

describe('command specs name jobs and change kinds through typed constants', () => {
  it('every job a command starts is one the workers run', () => {
    const jobs = createOpsbotJobs();
    const named = createCommandRegistry().flatMap((c) => c.subcommands.map((s) => s.job));
    for (const job of new Set([...named, ...Object.values(COMMAND_JOBS)])) expect(jobs.has(job)).toBe(true);
  });

  it('every change kind constant is the name a registered kind goes by', () => {
    const flag = createFlagKind({ redis, prefix: uniquePrefix('kinds') }).kind;
    expect(Object.values(CHANGE_KINDS).sort()).toEqual(
      [DNS_KIND, SCALE_KIND, ROTATION_KIND, IMAGES_KIND, flag].sort(),
    );
  });

  it('rejects a misspelt job or kind at type-checking', () => {
    const typoJob: Pick<SubcommandSpec, 'job'> = {
      // @ts-expect-error not a registered job
      job: 'dns.rolback',
    };
    const typoKind: PlannedChange = {
      // @ts-expect-error not a registered change kind
      kind: 'dns.record',
      change: {},
    };
    expect([typoJob.job, typoKind.kind]).toEqual(['dns.rolback', 'dns.record']);
  });
});
