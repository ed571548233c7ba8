import type { z } from 'zod';
import { closestWord } from './closest-word.js';
import { type CommandSpec, type SubcommandSpec, usageLine } from './command-spec.js';
import { tokenize } from './tokenize.js';
import { UsageError } from './usage-error.js';

export type ParsedCommand =
  | { kind: 'help'; command: CommandSpec }
  /** A subcommand with a form, given no arguments: the form opens (`/workshop prep`). */
  | { kind: 'form'; command: CommandSpec; sub: SubcommandSpec; form: string }
  | { kind: 'run'; command: CommandSpec; sub: SubcommandSpec; args: unknown; text: string };

/** Turns `/cmd text` into a typed request, a help request, or a UsageError naming the right syntax. */
export function parseCommand(
  registry: readonly CommandSpec[],
  commandName: string,
  text: string,
): ParsedCommand {
  const command = registry.find((c) => c.command === commandName);
  if (!command) throw new UsageError(`unknown command ${commandName}`);
  // A command whose bare form does something (`/diagnose` = `/diagnose all`) says so with `bare`.
  const trimmed = text.trim() || command.bare || '';
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const subName = first.toLowerCase();
  if (subName === '' || subName === 'help') return { kind: 'help', command };
  const named = command.subcommands.find((s) => s.name === subName && !s.fallback);
  const sub = named ?? command.subcommands.find((s) => s.fallback);
  if (!sub) {
    const names = command.subcommands.map((s) => s.name);
    const meant = closestWord(first, names);
    const known = names.join(', ') || 'none yet';
    throw new UsageError(
      `unknown subcommand "${first}" for ${command.command}${meant ? ` — did you mean \`${command.command} ${meant}\`?` : ''} (known: ${known})`,
    );
  }
  const usage = usageLine(command, sub);
  const remainder = named ? trimmed.slice(first.length) : trimmed;
  if (rest[0]?.toLowerCase() === 'help' && rest.length === 1) return { kind: 'help', command };
  if (named && sub.form && remainder.trim() === '') return { kind: 'form', command, sub, form: sub.form };
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(remainder, new Set(sub.valueFlags ?? []));
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const result = sub.args.safeParse(tokens);
  if (!result.success) throw new UsageError(describeIssues(result.error, flagsOfSub(sub), tokens), usage);
  return { kind: 'run', command, sub, args: result.data, text: trimmed };
}

/** Flags a subcommand takes: its value flags and every `--flag` its usage line names. */
function flagsOfSub(sub: SubcommandSpec): string[] {
  const named = [...sub.usage.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
  return [...new Set([...(sub.valueFlags ?? []), ...named])];
}

function describeIssues(error: z.ZodError, flags: string[], tokens: { positionals: string[] }): string {
  const unknownFlag = error.issues.some((i) => i.code === 'unrecognized_keys');
  return error.issues
    .filter((issue) => {
      // `--duraton 2h`: the typo'd flag takes no value, so its value reads as an argument too (an extra one,
      // or one in the wrong place): only the unknown flag is worth saying.
      const [where] = issue.path;
      return !(unknownFlag && where === 'positionals');
    })
    .map((issue) => {
      const [where, key] = issue.path;
      if (issue.code === 'unrecognized_keys')
        return issue.keys
          .map((k) => {
            const meant = closestWord(k, flags);
            return `unknown flag --${k}${meant ? ` — did you mean --${meant}?` : ''}`;
          })
          .join('; ');
      if (where === 'flags' && key !== undefined) return `--${String(key)}: ${issue.message}`;
      if (where === 'positionals' && typeof key === 'number') {
        // One of a fixed set (`/diagnose capacty`): name the one a typo most likely meant.
        const typed = tokens.positionals[key];
        const choices = issue.code === 'invalid_value' ? issue.values.map(String) : [];
        const meant = typed !== undefined ? closestWord(typed, choices) : undefined;
        return `argument ${key + 1}: ${issue.message}${meant ? ` — did you mean \`${meant}\`?` : ''}`;
      }
      if (where === 'positionals' && issue.code === 'too_small') return 'missing arguments';
      if (where === 'positionals' && issue.code === 'too_big') return 'too many arguments';
      return issue.message;
    })
    .join('; ');
}
