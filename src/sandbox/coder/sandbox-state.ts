import type { Clock } from '../shared/clock.js';
import type { CoderControl, SandboxState } from './types.js';

const KEY_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export function createState(clock: Clock): SandboxState {
  return {
    databaseFailing: false,
    pendingJobs: new Map(),
    keyExpiry: new Date(clock.now() + KEY_LIFETIME_MS).toISOString(),
    startedAt: clock.now(),
  };
}

/** The control API over the shared state; handlers read the state on every request. */
export function createControl(state: SandboxState, clock: Clock): CoderControl {
  return {
    failDatabase(on) {
      state.databaseFailing = on;
    },
    setPendingJobs(org, n) {
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`pending jobs must be a non-negative integer, got ${n}`);
      if (n === 0) state.pendingJobs.delete(org);
      else state.pendingJobs.set(org, n);
    },
    setKeyExpiry(iso) {
      if (iso !== null && Number.isNaN(Date.parse(iso))) throw new Error(`not an ISO 8601 time: ${iso}`);
      state.keyExpiry = iso === null ? null : new Date(iso).toISOString();
    },
    reset() {
      const fresh = createState(clock);
      state.databaseFailing = fresh.databaseFailing;
      state.pendingJobs.clear();
      state.keyExpiry = fresh.keyExpiry;
    },
  };
}
