import type { CommandSpec, PlannedChange, SubcommandSpec } from '../commands/command-spec.js';
import type { ChangeKindRegistry } from '../plans/change-kind.js';

/**
 * The audit name of what the user attempted, before the arguments are understood: `dns.update` from
 * `/dns update …`, and the subcommand's own `action` for `/scale <target> <n>` (never `scale.<target>`).
 */
export function attemptedAction(registry: readonly CommandSpec[], command: string, text: string): string {
  const name = command.replace(/^\//, '');
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() || 'help';
  const spec = registry.find((c) => c.command === command);
  const sub =
    spec?.subcommands.find((s) => s.name === first && !s.fallback) ??
    (first === 'help' ? undefined : spec?.subcommands.find((s) => s.fallback));
  if (sub) return subAction(command, sub);
  return `${name}.${/^[a-z-]+$/.test(first) ? first : 'invalid'}`;
}

/** Once parsed: a mutation is named by its change kind (`scale.apply`), anything else by its subcommand. */
export function runAction(
  kinds: ChangeKindRegistry,
  command: string,
  sub: SubcommandSpec,
  planned: PlannedChange | undefined,
): string {
  const kind = planned ? kinds.get(planned.kind) : undefined;
  if (kind && planned) {
    const change = kind.change.safeParse(planned.change);
    if (change.success) return kind.action(change.data);
  }
  return subAction(command, sub);
}

function subAction(command: string, sub: SubcommandSpec): string {
  if (sub.action) return sub.action;
  const name = command.replace(/^\//, '');
  return /^[a-z-]+$/.test(sub.name) ? `${name}.${sub.name}` : `${name}.run`;
}
