import type { Role } from '../inventory/schema.js';
import type { Blocks } from '../ports/chat.js';
import { type CommandSpec, roleAllows, usageLine } from './command-spec.js';

/** Help generated from the registry, listing only what `role` may run. */
export function renderHelp(
  commands: readonly CommandSpec[],
  role: Role | 'none',
): { text: string; blocks: Blocks } {
  const lines: string[] = [];
  for (const command of commands) {
    const allowed = command.subcommands.filter((s) => roleAllows(role, s.minRole));
    lines.push(`*${command.command}* — ${command.description}`);
    if (command.subcommands.length === 0) lines.push('    _coming soon_');
    else if (allowed.length === 0) lines.push('    _nothing you may run_');
    for (const sub of allowed) {
      const tag = sub.mutates ? ' _(plan → approve)_' : '';
      lines.push(`    \`${usageLine(command, sub)}\` — ${sub.summary}${tag}`);
    }
  }
  const title = commands.length === 1 ? `Help for ${commands[0]!.command}` : 'opsbot commands';
  const roleLine = `Your role: *${role}*`;
  const text = [title, roleLine, ...lines].join('\n');
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: roleLine }] },
      ...chunk(lines, 25).map((group) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: group.join('\n') },
      })),
    ],
  };
}

// Section text is limited to 3,000 characters; 25 lines stay well below it.
function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
