import type { z } from 'zod';
import type { Role } from '../inventory/schema.js';
import type { Blocks } from '../ports/chat.js';

export interface VerifyResult {
  ok: boolean;
  /** One line for the result message, e.g. "resolver answers 1.2.3.4". */
  detail: string;
}

export type Progress = 'before' | 'after' | 'partial' | 'conflict';

export interface ReadContext {
  phase: 'plan' | 'apply';
  signal?: AbortSignal;
}

export interface ApplyContext<L> {
  planId: string;
  signal: AbortSignal;
  /** What the apply step just read; `after` is the state the plan leads to. */
  live: L;
  after: L;
  /** For a time-boxed plan: when its revert is due (fixed by the first run of the apply). */
  revertAt?: number;
}

/** What a kind's `render` sees of a plan. */
export interface PlanView<C, L> {
  id: string;
  change: C;
  before: L;
  after: L;
}

/**
 * A kind of change that goes through the plan → approve → apply lifecycle (DNS record, replica count,
 * rotation pause …). Its adapters are bound when the composition root builds it, so every method here
 * is ready to call. `C` is the change as queued and stored (JSON), `L` the live state it touches (JSON).
 */
export interface ChangeKind<C, L> {
  /** Unique name, e.g. `dns.record`. */
  readonly kind: string;
  /** Access action checked against the inventory's `access.twoPerson`, e.g. `dns.update`. */
  action(change: C): string;
  /** Lowest role that may approve (default `operator`). */
  readonly approverRole?: Role;
  /** Validates a change at the boundaries (enqueue, reading it back from Redis). */
  readonly change: z.ZodType<C>;
  /** Validates the stored "before" when read back. */
  readonly live: z.ZodType<L>;
  /** Lock names (without prefix) this change touches, e.g. `dns:ai.coder.com:A:ai.coder.com`. */
  resources(change: C): string[];
  /**
   * One line, e.g. "set flag `banner` to `maintenance at 5pm`". `before` (the live state the plan starts from)
   * is given when the plan is made, for a kind whose change reads differently depending on it.
   */
  summary(change: C, before?: L): string;
  /**
   * Reads the live state. While planning (`phase: 'plan'`) a failing read becomes a UserError naming the
   * service (nothing has changed yet); while applying it must stay transient so the job retries.
   */
  readLive(change: C, context?: ReadContext): Promise<L>;
  /** The live state expected once `change` is applied on top of `before`. */
  afterOf(change: C, before: L): L;
  equals(a: L, b: L): boolean;
  /**
   * Where `live` stands between the plan's `before` and `after`, target by target (default: whole-state
   * equality). `partial` means every target is at its before or its after value: a resumed apply finishes it.
   */
  progress?(live: L, before: L, after: L): Progress;
  /**
   * Brings live state to `after`. Runs when live is at `before`, or (resumed after a crash) `partial` or
   * already `after`: it must skip what is done and never do anything twice. Bookkeeping that belongs to the
   * change (pause records, reminders) is done here too, idempotently, so a crash cannot separate them.
   */
  apply(change: C, context: ApplyContext<L>): Promise<void>;
  /** Defaults to re-reading live state and comparing with `afterOf`. `context` names the plan being applied. */
  verify?(change: C, after: L, context?: { planId: string; signal: AbortSignal }): Promise<VerifyResult>;
  /**
   * The scheduled revert of a plan of this kind was refused (someone changed the value since): tidy the
   * bookkeeping that assumed the revert (pause records …) and return a line saying what was done.
   */
  revertRefused?(change: C, planId: string): Promise<string | undefined>;
  /**
   * What to do when a scheduled revert (`change`, the inverse) is refused because someone changed the value
   * since: the command that sets it by hand now (default: plan it again from the current value).
   */
  revertAdvice?(change: C, live: L): string;
  /**
   * Applying a plan of this kind failed for good: undo bookkeeping written ahead of the change if the
   * change did not happen, and return a line for the failure message saying where things stand.
   */
  applyFailed?(change: C, planId: string): Promise<string | undefined>;
  /**
   * The change that restores `before` (the Undo plan). `context.role` is the role of whoever asks for the undo;
   * `context.why` says what kind of revert it is, for the summary ("scheduled revert", "resumed early").
   * Throws a UserError, told to whoever pressed Undo, when the change has nothing to restore.
   */
  invert(change: C, before: L, context?: { role?: Role; why?: string }): C;
  /**
   * Why an applied plan of this change has no Undo (nothing to restore): its result says so instead of
   * offering the button. Default: it has one.
   */
  noUndo?(change: C, before: L): string | undefined;
  /** The live state in a few words, for conflict messages and diffs. */
  describe(live: L): string;
  /**
   * Where the targets the plan changes stand, for an apply that stopped halfway: each as done or still at
   * its before value (default: `describe(live)`).
   */
  describeProgress?(live: L, before: L, after: L): string;
  /** Diff blocks for the plan message; defaults to a before → after section. */
  render?(plan: PlanView<C, L>): Blocks;
  /** Extra warnings for the plan (e.g. "managed by Argo CD, may be reverted"). */
  warnings?(change: C, before: L): string[];
  /** Refuses a plan given the live state it would start from, by throwing a UserError (e.g. too broad). */
  validate?(change: C, before: L): void;
  /**
   * Checks against the inventory alone (no I/O), run by the Slack handler before anything is queued, so
   * an unknown target or a value outside the bounds is refused in the ack itself. Throws a UserError.
   */
  precheck?(change: C): void;
  /** The requester asked for incident mode: applied at once without a second approval, if the inventory allows. */
  incident?(change: C): boolean;
}

// Method syntax keeps parameters bivariant, so any concrete kind fits the registry's erased type.
export type AnyChangeKind = ChangeKind<unknown, unknown>;

/** Per-target positions → the whole: any third value is a conflict; a mix of before and after is partial. */
export function combineProgress(states: ('before' | 'after' | 'conflict')[]): Progress {
  if (states.includes('conflict')) return 'conflict';
  if (states.every((s) => s === 'after')) return 'after';
  return states.every((s) => s === 'before') ? 'before' : 'partial';
}

/** Whole-state comparison for kinds without targets of their own. */
export function progressOf<C, L>(kind: ChangeKind<C, L>, live: L, before: L, after: L): Progress {
  if (kind.progress) return kind.progress(live, before, after);
  if (kind.equals(live, before)) return 'before';
  return kind.equals(live, after) ? 'after' : 'conflict';
}

export function defineChangeKind<C, L>(kind: ChangeKind<C, L>): ChangeKind<C, L> {
  return kind;
}

export type ChangeKindRegistry = ReadonlyMap<string, AnyChangeKind>;

export function createChangeKinds(kinds: AnyChangeKind[]): ChangeKindRegistry {
  const registry = new Map<string, AnyChangeKind>();
  for (const kind of kinds) {
    if (registry.has(kind.kind)) throw new Error(`change kind "${kind.kind}" is registered twice`);
    registry.set(kind.kind, kind);
  }
  return registry;
}

export function changeKindOf(registry: ChangeKindRegistry, name: string): AnyChangeKind {
  const kind = registry.get(name);
  if (!kind) throw new Error(`unknown change kind "${name}"`);
  return kind;
}
