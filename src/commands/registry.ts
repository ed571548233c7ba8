import type { CommandSpec } from './command-spec.js';
import { diagnoseCommand } from './diagnose-command.js';
import { dnsCommand } from './dns-command.js';
import { imagesCommand } from './images-command.js';
import { opsCommand } from './ops-command.js';
import { rotationCommand } from './rotation-command.js';
import { scaleCommand } from './scale-command.js';
import { workshopCommand } from './workshop-command.js';

/** Every slash command opsbot answers; help and the Slack app manifest are generated from it. */
export function createCommandRegistry(extra: CommandSpec[] = []): CommandSpec[] {
  const base: CommandSpec[] = [
    opsCommand,
    dnsCommand,
    scaleCommand,
    rotationCommand,
    imagesCommand,
    diagnoseCommand,
    workshopCommand,
  ];
  const byName = new Map(base.map((c) => [c.command, c]));
  for (const c of extra) byName.set(c.command, c);
  return [...byName.values()];
}
