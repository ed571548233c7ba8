import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import { UserError } from '../errors/user-error.js';
import type { Environment } from '../inventory/schema.js';
import type { Chat } from '../ports/chat.js';
import type { Clock } from '../ports/clock.js';
import type { ProgressPacer } from '../queue/create-progress-reporter.js';
import type { JobQueue } from '../queue/create-queue.js';
import type { ChangeKindRegistry } from './change-kind.js';
import type { PlanStore } from './plan-store.js';

export type PlanAccess = Pick<Environment['access'], 'twoPerson' | 'incidentWaiver' | 'planTtlMinutes'> &
  Partial<Pick<Environment['access'], 'maxPendingPlansPerUser' | 'roles'>>;

/** What the plan lifecycle needs; the composition root's deps object must include these. */
export interface PlanDeps {
  redis: Redis;
  /** Lock keys are `<prefix>:lock:<resource>`. */
  prefix: string;
  plans: PlanStore;
  queue: JobQueue;
  chat: Chat;
  audit: AuditLog;
  clock: Clock;
  kinds: ChangeKindRegistry;
  /** Access rules of an environment (inventory `access`); throws UserError for an unknown one. */
  access(environment: string): PlanAccess;
  /** Resource lock TTL while applying (default 30 s; renewed while held). */
  lockTtlMs?: number;
  /** One per process: paces every edit of plan messages (≤ 1 per second per channel, as Slack asks). */
  pacer: ProgressPacer;
}

/** `access` from loaded inventory environments. */
export function accessFromInventory(envs: ReadonlyMap<string, Pick<Environment, 'access'>>) {
  return (environment: string): PlanAccess => {
    const env = envs.get(environment);
    if (!env)
      throw new UserError(`unknown environment "${environment}"`, {
        hint: `Known: ${[...envs.keys()].join(', ')}`,
      });
    return env.access;
  };
}
