import type { Environment } from '../inventory/schema.js';

/** What a cluster's part of a check leaves to the rest of it (reporting, other parts' stragglers). */
const PART_MARGIN_MS = 2_000;

/**
 * Each check's deadline, and its parts', in one environment: the inventory's `thresholds.checkDeadlineSeconds`
 * (9 s by default, parts 7 s), unless this opsbot was started with its own (tests and benches).
 */
export function checkDeadlines(
  env: Pick<Environment, 'thresholds'>,
  override: { deadlineMs?: number; partDeadlineMs?: number } = {},
): { deadlineMs: number; partDeadlineMs: number } {
  const deadlineMs = override.deadlineMs ?? env.thresholds.checkDeadlineSeconds * 1000;
  return { deadlineMs, partDeadlineMs: override.partDeadlineMs ?? deadlineMs - PART_MARGIN_MS };
}
