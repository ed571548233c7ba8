import type { Environment } from '../../inventory/schema.js';

export interface RotationWindow {
  from: number;
  to: number;
}

/** When the next rotation is expected: last rotation + the inventory's interval (e.g. 4–5 h). */
export function nextRotationWindow(
  env: Environment,
  lastRotatedAt: number | undefined,
): RotationWindow | undefined {
  if (!env.rotation || lastRotatedAt === undefined) return undefined;
  const { min, max } = env.rotation.intervalHours;
  return { from: lastRotatedAt + min * 3_600_000, to: lastRotatedAt + max * 3_600_000 };
}

/** The reminder goes out this long before a pause ends: 15 min, or half of a short pause. */
export function reminderLeadMs(pauseMs: number): number {
  return Math.min(15 * 60_000, Math.floor(pauseMs / 2));
}

/** How much one press of Extend adds. */
export const EXTEND_STEP_MS = 60 * 60_000;
