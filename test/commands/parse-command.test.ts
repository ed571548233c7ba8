import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse-command.js';
import { createCommandRegistry } from '../../src/commands/registry.js';
import { renderHelp } from '../../src/commands/render-help.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { UsageError } from '../../src/commands/usage-error.js';

const registry = createCommandRegistry();

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('tokenize', () => {
  it('splits positionals, value flags, switches and quoted text (straight and typographic quotes)', () => {
    const t = tokenize(
      'a.example.com CNAME x.example.net --ttl 60 --proxied --reason “db failover”',
      new Set(['ttl', 'reason']),
    );
    expect(t).toEqual({
      positionals: ['a.example.com', 'CNAME', 'x.example.net'],
      flags: { ttl: '60', proxied: true, reason: 'db failover' },
    });
    expect(tokenize('--ttl=auto', new Set(['ttl'])).flags).toEqual({ ttl: 'auto' });
  });

  it('rejects an unclosed quote and a value flag without a value', () => {
    expect(() => tokenize('--reason "oops', new Set(['reason']))).toThrow(/unclosed quote/);
    expect(() => tokenize('--ttl', new Set(['ttl']))).toThrow('--ttl needs a value');
  });
});

describe('parseCommand', () => {
  it('parses /ops audit with and without a count', () => {
    const withN = parseCommand(registry, '/ops', 'audit 20');
    expect(withN).toMatchObject({
      kind: 'run',
      sub: { name: 'audit', job: 'ops.audit' },
      args: { limit: 20 },
    });
    expect(parseCommand(registry, '/ops', 'audit')).toMatchObject({ args: { limit: 10 } });
  });

  it('parses /ops audit filters: --changes, --denied, --user as a mention or a member ID', () => {
    expect(parseCommand(registry, '/ops', 'audit 5 --changes --denied')).toMatchObject({
      args: { limit: 5, changes: true, denied: true },
    });
    expect(parseCommand(registry, '/ops', 'audit --user <@U0SBOPER01|operator>')).toMatchObject({
      args: { limit: 10, user: 'U0SBOPER01' },
    });
    expect(parseCommand(registry, '/ops', 'audit --user U0SBOPER01')).toMatchObject({
      args: { user: 'U0SBOPER01' },
    });
    const name = usageErrorOf(() => parseCommand(registry, '/ops', 'audit --user @operator'));
    expect(name.message).toContain('--user takes a Slack member ID');
  });

  it('answers help for empty text, `help`, and `<sub> help`', () => {
    expect(parseCommand(registry, '/ops', '').kind).toBe('help');
    expect(parseCommand(registry, '/ops', 'help').kind).toBe('help');
    expect(parseCommand(registry, '/ops', 'audit help').kind).toBe('help');
  });

  it('names the right syntax for malformed arguments', () => {
    const tooBig = usageErrorOf(() => parseCommand(registry, '/ops', 'audit 500'));
    expect(tooBig.message).toContain('n must be at most 50');
    expect(tooBig.usage).toBe('/ops audit [n] [--changes] [--denied] [--user <@U…|member ID>]');
    const unknownFlag = usageErrorOf(() => parseCommand(registry, '/ops', 'status --evn prod'));
    expect(unknownFlag.message).toContain('unknown flag --evn');
    expect(usageErrorOf(() => parseCommand(registry, '/ops', 'job')).message).toContain('missing arguments');
  });

  it('lists the known subcommands for an unknown one', () => {
    const err = usageErrorOf(() => parseCommand(registry, '/ops', 'statuss'));
    expect(err.message).toBe(
      'unknown subcommand "statuss" for /ops — did you mean `/ops status`? (known: status, alerts, audit, jobs, job, plan, notice)',
    );
  });
});

describe('a bare command', () => {
  it('/diagnose with nothing after it runs every check; /scale alone is still help', () => {
    const bare = parseCommand(registry, '/diagnose', '  ');
    expect(bare.kind).toBe('run');
    expect(bare.kind === 'run' && bare.text).toBe('all');
    expect(parseCommand(registry, '/scale', '').kind).toBe('help');
  });
});

describe('renderHelp', () => {
  it('lists only what the caller may run', () => {
    const none = renderHelp(registry, 'none').text;
    expect(none).not.toContain('/ops status');
    expect(none).toContain('_nothing you may run_');
    const viewer = renderHelp(registry, 'viewer').text;
    expect(viewer).toContain('`/ops status [--env <name>]`');
    expect(viewer).toContain('*/dns*');
  });

  it('suggests the flag a typo meant, and does not also call its value an extra argument', () => {
    const err = usageErrorOf(() =>
      parseCommand(createCommandRegistry(), '/workshop', 'prep 30 tomorrow 16:00 --duraton 2h'),
    );
    expect(err.message).toBe('unknown flag --duraton — did you mean --duration?');
    const far = usageErrorOf(() => parseCommand(createCommandRegistry(), '/workshop', 'prep 30 16:00 --zzz'));
    expect(far.message).toBe('unknown flag --zzz');
    // A flag the command does not take: its value is not also called a bad tag.
    const reason = usageErrorOf(() =>
      parseCommand(createCommandRegistry(), '/images', `sync coder --reason ${'r'.repeat(220)}`),
    );
    expect(reason.message).toBe('unknown flag --reason');
  });

  it('refuses an unreadable workshop start in the ack, with examples', () => {
    const err = usageErrorOf(() =>
      parseCommand(createCommandRegistry(), '/workshop', 'prep 30 tomorow 16:00'),
    );
    expect(err.message).toContain('"tomorow 16:00" is not a start time I can read');
    expect(err.message).toContain('`tomorrow 16:00`');
  });

  it('names the choice a mistyped one most likely meant', () => {
    const err = usageErrorOf(() => parseCommand(createCommandRegistry(), '/diagnose', 'capacty'));
    expect(err.message).toMatch(/^argument 1: .* — did you mean `capacity`\?$/);
  });
});
