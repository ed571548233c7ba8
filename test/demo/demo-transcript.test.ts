import { describe, expect, inject, it } from 'vitest';
import { runCli } from './demo-process.js';

/** The part of the transcript from the line typed at `prompt` up to the next prompt. */
function answerTo(stdout: string, prompt: string): string {
  const start = stdout.indexOf(prompt);
  expect(start, `no "${prompt}" in the transcript`).toBeGreaterThanOrEqual(0);
  const rest = stdout.slice(start + prompt.length);
  const next = rest.search(/^\w+@#\w+> /m);
  return next < 0 ? rest : rest.slice(0, next);
}

describe('npm run demo -- --exec: a whole session', () => {
  it('answers typos like Slack, keeps button numbers, lists only live ones, and advance runs due reverts', async () => {
    const r = await runCli(
      [
        '--exec',
        '/scael provisioners 8',
        '--exec',
        '/scale provisioners 8 --for 1h --reason "workshop"',
        '--exec',
        'as operator2',
        '--exec',
        'click 1',
        '--exec',
        'buttons',
        '--exec',
        'advance 59m',
        '--exec',
        'advance 1m',
        '--exec',
        'buttons',
        '--exec',
        'click 2',
        '--exec',
        '/ops status',
      ],
      { ...process.env, REDIS_URL: inject('redisUrl') },
    );
    const { stdout } = r;

    // A mistyped command never reaches the bot: Slack answers it, at once.
    expect(answerTo(stdout, 'operator@#ops> /scael provisioners 8')).toBe(
      '\n  ┌ Slack (only you see this)\n  │ /scael is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.\n',
    );
    expect(answerTo(stdout, '> /scale provisioners 8')).toContain('[1 Approve]  [2 Cancel]');

    // Approved: the plan message loses its buttons, the result carries Undo as button 3.
    const approved = answerTo(stdout, 'operator2@#ops> click 1');
    expect(approved).toContain('Applied and verified: scale `provisioners` to 8 (workshop)');
    expect(approved).toContain('[3 Undo]');
    expect(answerTo(stdout, 'operator2@#ops> buttons')).toMatch(/^\nbuttons: 3 Undo \([^)]*\)\n$/);

    // The revert is a BullMQ delayed job: not due after 59 simulated minutes, run at 60.
    expect(answerTo(stdout, '> advance 59m')).not.toContain('Revert of plan');
    const reverted = answerTo(stdout, '> advance 1m');
    expect(reverted).toMatch(/Revert of plan .* scale `provisioners` to 6 \(scheduled revert\)/);
    expect(reverted).toContain('Applied and verified: scale `provisioners` to 6 (scheduled revert)');
    // New buttons continue the numbering; 1 and 2 never come back.
    expect(reverted).toContain('[4 Undo]');
    const lists = stdout.match(/^buttons: .*$/gm) ?? [];
    expect(lists).toHaveLength(2);
    expect(lists[1]).toMatch(/^buttons: 3 Undo \(.*\), 4 Undo \(.*\)$/);

    // Pressing the decided plan's button is a failed line: --exec stops there and exits 1.
    expect(answerTo(stdout, 'operator2@#ops> click 2')).toMatch(
      /^\nbutton 2 is gone \(its message was edited or deleted\); buttons: 3 Undo/,
    );
    expect(stdout).not.toContain('> /ops status');
    expect(r.stderr.trim()).toBe(
      'opsbot demo: --exec line 9 failed: button 2 is gone (its message was edited or deleted); later lines were not run',
    );
    expect(r.code).toBe(1);
  }, 180_000);
});
