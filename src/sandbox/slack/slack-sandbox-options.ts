import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';

export interface SandboxUser {
  id: string;
  name: string;
  realName: string;
  isAdmin?: boolean;
  /** IANA zone of the user's Slack profile (users.info `tz`); America/Chicago when not given. */
  tz?: string;
}

export interface SlackSandboxOptions {
  clock: Clock;
  /** API names: `slack` (Web API) and `slack:response_url`. */
  faults: Faults;
  /** Sandbox-made bot token, e.g. `xoxb-sandbox-…`. */
  botToken: string;
  /** Sandbox-made app-level token for apps.connections.open, e.g. `xapp-sandbox-…`. */
  appToken: string;
  teamId: string;
  /** Role name → user. */
  users: Record<string, SandboxUser>;
  channels: Array<{ id: string; name: string }>;
  /** Usergroup id → user ids. */
  usergroups: Record<string, string[]>;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  /** chat.update calls allowed per channel per minute before `ratelimited` (Slack's Tier 3: 50). */
  chatUpdatesPerMinute?: number;
  /** How long a Socket Mode client has to ack an envelope (Slack: 3 s). */
  socketAckTimeoutMs?: number;
  /** How long an envelope waits for a connection before dispatch gives up. */
  socketQueueTimeoutMs?: number;
}
