import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse-command.js';
import { createCommandRegistry } from '../../src/commands/registry.js';
import { tokenize } from '../../src/commands/tokenize.js';

const registry = createCommandRegistry();
const reasonOf = (text: string) =>
  (parseCommand(registry, '/dns', `sync ${text}`) as { args: { reason?: string } }).args.reason;

describe('quoted flag values', () => {
  it('takes --reason="a b" and --reason "a b" as one value', () => {
    expect(reasonOf('--reason="db failover" --force')).toBe('db failover');
    expect(reasonOf('--reason "db failover" --force')).toBe('db failover');
  });

  it('accepts single quotes and the typographic quotes Slack clients insert', () => {
    expect(reasonOf("--reason='db failover'")).toBe('db failover');
    expect(reasonOf('--reason=\u201cdb failover\u201d')).toBe('db failover');
    expect(reasonOf('--reason \u2018db failover\u2019')).toBe('db failover');
    // iOS sometimes types two closing quotes; an apostrophe inside does not end the value.
    expect(reasonOf('\u2014reason \u201dit\u2019s down\u201d')).toBe('it\u2019s down');
    expect(reasonOf("--reason='don't page'")).toBe("don't page");
  });

  it('keeps later arguments apart from a quoted value', () => {
    const t = tokenize('--reason="db failover" status.ai.coder.com --ttl=60', new Set(['reason', 'ttl']));
    expect(t).toEqual({ positionals: ['status.ai.coder.com'], flags: { reason: 'db failover', ttl: '60' } });
  });

  it('still refuses an unclosed quote, in either form', () => {
    expect(() => parseCommand(registry, '/dns', 'sync --reason="db failover')).toThrow(/unclosed quote/);
    expect(() => parseCommand(registry, '/dns', "sync --reason 'db failover")).toThrow(/unclosed quote/);
  });
});
