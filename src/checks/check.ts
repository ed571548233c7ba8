import type { ChangeKindName } from '../changes/change-kinds.js';
import type { CheckContext } from './check-context.js';

/** The incident runbook's situations; `/diagnose <situation>` runs the checks that belong to one. */
export const SITUATIONS = [
  'restarts',
  'routing',
  'litellm',
  'capacity',
  'images',
  'provisioners',
  'dns',
] as const;
export type Situation = (typeof SITUATIONS)[number];

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

/** A fix as an ordinary change: pressing its button plans it (plan → approve → apply). */
export interface Remediation {
  kind: ChangeKindName;
  change: unknown;
  /** Button text, e.g. "Scale provisioners to 10". */
  label: string;
  /** Time-boxed fixes (a rotation pause) revert themselves. */
  revertAfterMs?: number;
}

/**
 * One finding. `subject` is a plain identifier (node, pod, cluster); `summary` and `evidence` are
 * Slack mrkdwn in which every value from an API went through `code()` or `untrusted()`.
 */
export interface CheckResult {
  status: CheckStatus;
  subject: string;
  summary: string;
  evidence: string[];
  /** Since when it has been so (epoch ms), when known. */
  since?: number;
  remediation?: Remediation;
}

export interface Check {
  id: string;
  title: string;
  situations: readonly Situation[];
  run(ctx: CheckContext): Promise<CheckResult[]>;
}

/** A check's answer: its results and their worst status. */
export interface CheckReport {
  id: string;
  title: string;
  status: CheckStatus;
  results: CheckResult[];
  ms: number;
}

const RANK: Record<CheckStatus, number> = { ok: 0, unknown: 1, warn: 2, fail: 3 };

/** The worst of some statuses: fail > warn > unknown > ok (nothing at all is ok). */
export function worstOf(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'ok');
}

export function byWorst(a: { status: CheckStatus }, b: { status: CheckStatus }): number {
  return RANK[b.status] - RANK[a.status];
}
