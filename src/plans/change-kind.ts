import type { z } from 'zod';
import type { Role } from '../inventory/schema.js';
import type { Blocks } from '../ports/chat.js';

export interface VerifyResult {
  ok: boolean;
  /** One line for the result message, e.g. "resolver answers 1.2.3.4". */
  detail: string;
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
  /** One line, e.g. "set flag `banner` to `maintenance at 5pm`". */
  summary(change: C): string;
  readLive(change: C): Promise<L>;
  /** The live state expected once `change` is applied on top of `before`. */
  afterOf(change: C, before: L): L;
  equals(a: L, b: L): boolean;
  /** Must be safe to run again after a crash: apply only ever runs when live equals the plan's before. */
  apply(change: C, context: { planId: string; signal: AbortSignal }): Promise<void>;
  /** Defaults to re-reading live state and comparing with `afterOf`. `context` names the plan being applied. */
  verify?(change: C, after: L, context?: { planId: string; signal: AbortSignal }): Promise<VerifyResult>;
  /** The change that restores `before` (the Undo plan). */
  invert(change: C, before: L): C;
  /** The live state in a few words, for conflict messages and diffs. */
  describe(live: L): string;
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
