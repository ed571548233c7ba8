import { describe, expect, it } from 'vitest';
import { checkDemoUser, parseDemoArgs } from '../../src/demo/parse-demo-args.js';

describe('parseDemoArgs (npm run demo’s command line)', () => {
  it('defaults to the interactive shell as operator in the ops channel', () => {
    expect(parseDemoArgs([])).toEqual({ kind: 'run', args: { exec: [], as: 'operator', in: 'ops' } });
    expect(
      parseDemoArgs(['--exec', '/ops status', '--exec', 'click 1', '--as', 'viewer', '--in', 'random']),
    ).toEqual({ kind: 'run', args: { exec: ['/ops status', 'click 1'], as: 'viewer', in: 'other' } });
  });

  it('answers --help and every misuse with a short reason, never a stack trace', () => {
    expect(parseDemoArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseDemoArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseDemoArgs(['--exce', 'x'])).toEqual({ kind: 'usage-error', message: 'unknown option --exce' });
    expect(parseDemoArgs(['--exec'])).toMatchObject({
      kind: 'usage-error',
      message: expect.stringMatching(/--exec/),
    });
    expect(parseDemoArgs(['/ops status'])).toMatchObject({
      kind: 'usage-error',
      message: expect.stringContaining("--exec '<line>'"),
    });
    expect(parseDemoArgs(['--in', 'general'])).toEqual({
      kind: 'usage-error',
      message: 'unknown channel "general" for --in: one of ops, other, random',
    });
  });

  it('checks the user against the sandbox’s users', () => {
    const roles = ['admin', 'operator', 'viewer'];
    expect(checkDemoUser('viewer', roles)).toBeUndefined();
    expect(checkDemoUser('root', roles)).toBe('unknown user "root": one of admin, operator, viewer');
    expect(checkDemoUser('toString', roles)).toBeDefined();
  });
});
