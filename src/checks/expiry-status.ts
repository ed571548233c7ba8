import type { CheckStatus } from './check.js';

const DAY = 86_400_000;

/** Expired: fail; expiring within `minValidDays`: warn; else ok. */
export function expiryStatus(at: number, now: number, minValidDays: number): CheckStatus {
  if (at <= now) return 'fail';
  return at - now < minValidDays * DAY ? 'warn' : 'ok';
}

/** "41 days", "3 days", "20 h", "5 min": how long is left (or has passed), rounded. */
export function timeLeft(at: number, now: number): string {
  const ms = Math.abs(at - now);
  if (ms >= 36 * 3_600_000) return `${Math.round(ms / DAY)} days`;
  if (ms >= 90 * 60_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/** A UTC time for evidence (checks stay independent of Slack's localized dates). */
export function utc(at: number): string {
  return Number.isNaN(at) ? '?' : `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
