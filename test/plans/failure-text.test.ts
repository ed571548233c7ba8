import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { AccessDeniedError } from '../../src/plans/access-rules.js';
import { actionForPeople } from '../../src/plans/action-names.js';
import { continueSentence, failureText } from '../../src/plans/failure-text.js';

const failure = (error: Error) => ({
  error,
  userMessage: error instanceof UserError ? error.userText : 'internal error, ref x',
});

describe('failure texts', () => {
  it('say the subject once: a message that names the plan is not prefixed with it again', () => {
    const named = new UserError('Plan `p-1` was already approved by <@U2> and applied; nothing more to do.');
    expect(failureText(failure(named), 'Plan `p-1`', 'p-1')).toBe(
      ':warning: Plan `p-1` was already approved by <@U2> and applied; nothing more to do.',
    );
    const unnamed = new UserError('Only an applied plan can be undone; this one is cancelled.');
    expect(failureText(failure(unnamed), 'Plan `p-1`', 'p-1')).toBe(
      ':warning: Plan `p-1`: only an applied plan can be undone; this one is cancelled.',
    );
  });

  it('continue the sentence after a colon, keeping names and acronyms', () => {
    expect(continueSentence('You already have 10 plans waiting')).toBe('you already have 10 plans waiting');
    expect(continueSentence('Cloudflare refused the token')).toBe('Cloudflare refused the token');
    expect(continueSentence('EKS has no cluster named x')).toBe('EKS has no cluster named x');
    expect(continueSentence('`provisioners` is not a target')).toBe('`provisioners` is not a target');
    const denied = new AccessDeniedError('Scaling needs a second person to approve: …');
    expect(failureText(failure(denied), 'Plan `p-1`', 'p-1')).toBe(
      ':no_entry: Plan `p-1`: scaling needs a second person to approve: …',
    );
  });

  it('name actions as people say them, never the internal action name', () => {
    expect(actionForPeople('scale.apply')).toBe('scaling');
    expect(actionForPeople('rotation.pause')).toBe('pausing key rotation');
    expect(actionForPeople('dns.update')).toBe('changing a DNS record');
    expect(actionForPeople('something.new')).toBe('`something.new`');
  });
});
