import type { z } from 'zod';
import type { ChangeKindName } from '../changes/change-kinds.js';
import type { Environment, Role } from '../inventory/schema.js';
import type { CommandJob } from './command-jobs.js';
import type { Tokens } from './tokenize.js';

/** One subcommand: its grammar, who may run it, and the job it becomes. */
export interface SubcommandSpec<Args = unknown> {
  name: string;
  summary: string;
  /** Arguments after the subcommand, e.g. `<name> <type> <content> [--ttl N]`. */
  usage: string;
  examples?: string[];
  minRole: Role;
  mutates: boolean;
  /** Flags that take a value (`--ttl 60`); every other flag is a boolean switch. */
  valueFlags?: string[];
  /** Turns tokens into typed arguments; zod issues become usage errors. */
  args: z.ZodType<Args, Tokens>;
  /**
   * Runs when the first word names no subcommand, with that word as its first positional
   * (`/scale <target> <replicas>`); its `name` is then only shown in usage lines.
   */
  fallback?: boolean;
  /** The job that serves it (`plan.request` for mutations, which go through the plan lifecycle). */
  job: CommandJob;
  /** Mutations: the change to plan, built from the arguments alone (live state is read by the plan job). */
  toChange?: (args: Args, request: { user: string; env: string; role: Role }) => PlannedChange;
  /**
   * Refusals the arguments and the inventory decide on their own (`--force` needs an admin, an unknown
   * `--env`), checked in the ack and audited as `denied`: returns why, or undefined to go on.
   */
  refuse?: (args: Args, context: RefuseContext) => string | undefined;
  /**
   * With no arguments at all, opens this form (a modal, by its callback_id) instead of a usage error;
   * the form's submission is validated with the same rules and queues the same job.
   */
  form?: string;
  /** Audit action when the input is malformed (no change to name it); default `<command>.<name>`. */
  action?: string;
}

export interface RefuseContext {
  role: Role;
  environments: ReadonlyMap<string, Environment>;
}

export interface PlannedChange {
  kind: ChangeKindName;
  change: unknown;
  /** Time-boxed changes revert themselves after this long. */
  revertAfterMs?: number;
  /** Or at this absolute time (`--until`), however long approval takes. */
  revertUntil?: number;
}

export interface CommandSpec {
  /** Slash command including the slash, e.g. `/ops`. */
  command: string;
  description: string;
  usageHint: string;
  /** What the command means with no text (default: help), e.g. `all` for `/diagnose`. */
  bare?: string;
  subcommands: SubcommandSpec[];
}

export function usageLine(command: CommandSpec, sub: SubcommandSpec): string {
  return `${command.command} ${sub.name}${sub.usage ? ` ${sub.usage}` : ''}`;
}

/** Roles in increasing power; a role may run everything a lower one may. */
export const ROLE_ORDER: Record<Role | 'none', number> = { none: 0, viewer: 1, operator: 2, admin: 3 };

export function roleAllows(role: Role | 'none', min: Role): boolean {
  return ROLE_ORDER[role] >= ROLE_ORDER[min];
}
