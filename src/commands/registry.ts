import type { CommandSpec } from './command-spec.js';
import { diagnoseCommand } from './diagnose-command.js';
import { dnsCommand } from './dns-command.js';
import { imagesCommand } from './images-command.js';
import { opsCommand } from './ops-command.js';
import { rotationCommand } from './rotation-command.js';
import { scaleCommand } from './scale-command.js';

// Commands whose capabilities land in later issues; registered now so help and the manifest stay complete.
function placeholder(command: string, description: string, usageHint: string): CommandSpec {
  return { command, description, usageHint, subcommands: [] };
}

/** Every slash command opsbot answers; help and the Slack app manifest are generated from it. */
export function createCommandRegistry(extra: CommandSpec[] = []): CommandSpec[] {
  const base: CommandSpec[] = [
    opsCommand,
    dnsCommand,
    scaleCommand,
    rotationCommand,
    imagesCommand,
    diagnoseCommand,
    placeholder('/workshop', 'Prepare and wind down a workshop', 'prep | status | end'),
  ];
  const byName = new Map(base.map((c) => [c.command, c]));
  for (const c of extra) byName.set(c.command, c);
  return [...byName.values()];
}
