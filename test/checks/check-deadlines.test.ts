import { describe, expect, it } from 'vitest';
import { checkDeadlines } from '../../src/checks/check-deadlines.js';

const env = (checkDeadlineSeconds: number) => ({
  thresholds: {
    nodeStorageMaxPercent: 60,
    capacityHeadroomMinPercent: 30,
    credentialsMinValidDays: 7,
    checkDeadlineSeconds,
  },
});

describe('checkDeadlines', () => {
  it("is the environment's: 9 s a check and 7 s a part by default, 2 s apart when raised", () => {
    expect(checkDeadlines(env(9))).toEqual({ deadlineMs: 9_000, partDeadlineMs: 7_000 });
    expect(checkDeadlines(env(40))).toEqual({ deadlineMs: 40_000, partDeadlineMs: 38_000 });
  });

  it('yields to the deadlines opsbot was started with (tests, benches)', () => {
    expect(checkDeadlines(env(40), { deadlineMs: 30_000, partDeadlineMs: 25_000 })).toEqual({
      deadlineMs: 30_000,
      partDeadlineMs: 25_000,
    });
    expect(checkDeadlines(env(40), {})).toEqual({ deadlineMs: 40_000, partDeadlineMs: 38_000 });
  });
});
