import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('npm run demo -- --exec', () => {
  it('runs the lines through the real signed path, presses buttons, prints the transcript and exits 0', async () => {
    const { stdout } = await run(
      join(root, 'node_modules/.bin/tsx'),
      [
        'src/demo/cli.ts',
        '--exec',
        '/ops notice "freeze until 18:00"',
        '--exec',
        'click 1',
        '--exec',
        'as viewer',
        '--exec',
        '/ops notice clear',
      ],
      { cwd: root, env: { ...process.env, REDIS_URL: inject('redisUrl') }, timeout: 60_000 },
    );
    expect(stdout).toContain('operator@#ops> /ops notice "freeze until 18:00"');
    expect(stdout).toMatch(/Plan `p-[0-9a-f]+` · set flag `notice` to "freeze until 18:00"/);
    expect(stdout).toContain('[1 Approve]  [2 Cancel]');
    expect(stdout).toContain('pressed [Approve]');
    expect(stdout).toContain('Applied and verified: set flag `notice` to "freeze until 18:00"');
    expect(stdout).toContain('viewer@#ops> /ops notice clear');
    expect(stdout).toContain('needs the *operator* role; you are viewer. Nothing was done.');
  });
});
