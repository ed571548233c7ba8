import { describe, expect, it } from 'vitest';
import { describeForUser } from '../../src/errors/describe-for-user.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { ConflictError, UserError } from '../../src/errors/user-error.js';

describe('describeForUser', () => {
  it("shows a UserError's message and hint", () => {
    const err = new UserError('No such deployment "litellm2".', { hint: 'Try `/ops status` for the list.' });
    expect(describeForUser(err, 'j-1')).toBe(
      'No such deployment "litellm2".\nTry `/ops status` for the list.',
    );
  });

  it('shows the current value of a conflict', () => {
    const err = new ConflictError('ai.coder.com changed since the plan', '"10.0.0.9"');
    expect(err).toBeInstanceOf(UserError);
    expect(err.current).toBe('"10.0.0.9"');
    expect(describeForUser(err, 'j-1')).toContain('current value: "10.0.0.9"');
  });

  it('hides everything else behind a reference', () => {
    expect(describeForUser(new Error('token sk-live-123 rejected by upstream'), 'j-42')).toBe(
      'internal error, ref j-42',
    );
    expect(describeForUser(new TransientError('503 from api', { retryAfterMs: 5 }), 'j-7')).toBe(
      'internal error, ref j-7',
    );
    expect(describeForUser('a string', 'r')).toBe('internal error, ref r');
  });
});
