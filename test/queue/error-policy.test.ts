import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../../src/errors/transient-error.js';
import { UserError } from '../../src/errors/user-error.js';
import { backoffStrategy, decideFailure, RetryableJobError } from '../../src/queue/error-policy.js';
import { jobIdFor, sanitizeJobId } from '../../src/queue/job-id.js';

const job = (delay: number) => ({ opts: { backoff: { type: 'ops', delay } } }) as never;

describe('error policy', () => {
  it('backs off exponentially, never sooner than Retry-After', () => {
    expect([1, 2, 3, 4].map((n) => backoffStrategy(n, 'ops', new Error('x'), job(1000)))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(backoffStrategy(1, 'ops', new RetryableJobError('429', 30_000), job(1000))).toBe(30_000);
    expect(backoffStrategy(3, 'ops', new RetryableJobError('429', 10), job(1000))).toBe(4000);
    expect(backoffStrategy(20, 'ops', new Error('x'), job(1000))).toBe(300_000);
  });

  it('turns a UserError into a final, unrecoverable failure with its own text', () => {
    const d = decideFailure(
      new UserError('Bad target.', { hint: 'Use a name from the inventory.' }),
      'j1',
      1,
      3,
    );
    expect(d.rethrow).toBeInstanceOf(UnrecoverableError);
    expect(d).toMatchObject({ final: true, userMessage: 'Bad target.\nUse a name from the inventory.' });
  });

  it('retries transient and unknown errors until the attempts run out, hiding their text', () => {
    const t = decideFailure(new TransientError('ETIMEDOUT 10.0.0.1', { retryAfterMs: 500 }), 'j2', 1, 3);
    expect(t.final).toBe(false);
    expect(t.rethrow).toBeInstanceOf(RetryableJobError);
    expect((t.rethrow as RetryableJobError).retryAfterMs).toBe(500);
    expect(t.rethrow.message).not.toContain('10.0.0.1');
    const last = decideFailure(new TransientError('ETIMEDOUT'), 'j2', 3, 3);
    expect(last).toMatchObject({
      final: true,
      userMessage: 'still failing after 3 attempts (a temporary error); try again later, ref j2',
    });
    const bug = decideFailure(new TypeError('x is undefined'), 'j3', 3, 3);
    expect(bug).toMatchObject({ final: true, userMessage: 'internal error, ref j3', level: 'error' });
    expect(bug.rethrow.message).toBe('internal error, ref j3');
  });

  it('makes job ids BullMQ accepts', () => {
    expect(sanitizeJobId('act:1234.5678:abc')).toBe('act_1234.5678_abc');
    expect(sanitizeJobId('12345')).toBe('j-12345');
    expect(jobIdFor('cmd', '1234.5678.abcdef')).toMatch(/^cmd-[0-9a-f]{24}$/);
    expect(jobIdFor('cmd', 'a')).toBe(jobIdFor('cmd', 'a'));
    expect(jobIdFor('cmd', 'a')).not.toBe(jobIdFor('cmd', 'b'));
  });
});
