import type { Clock } from '../shared/clock.js';

/** What the LiteLLM simulation reads; the state is shared with (and mutated by) the sandbox control API. */
export interface LitellmContext {
  /** The one key in the proxy's key table; it is also a proxy admin. */
  key: string;
  version: string;
  clock: Clock;
  state: { databaseFailing: boolean; keyExpiry: string | null; startedAt: number };
  /** Ready LiteLLM pods behind the load balancer. */
  ready: () => number;
}
