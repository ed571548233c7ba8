import type { RoleResolver } from '../access/role-resolver.js';
import type { CommandSpec } from '../commands/command-spec.js';
import type { Environment } from '../inventory/schema.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { ChangeKindRegistry } from '../plans/change-kind.js';
import type { AuditSink } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../queue/create-queue.js';

export interface HandlerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the Slack-facing handlers may use: parsing, access, the queue and the audit log; never a cloud. */
export interface HandlerDeps {
  registry: CommandSpec[];
  environments: ReadonlyMap<string, Environment>;
  roles: RoleResolver;
  queue: JobQueue;
  /** Change kinds, to validate a mutation before its plan job is queued. */
  kinds: ChangeKindRegistry;
  audit: AuditSink;
  metrics: Metrics;
  logger: HandlerLogger;
  clock: Clock;
  /** Upper bound for the Redis/Slack calls on the ack path, so an outage answers before Slack's 3 s. */
  ackBudgetMs?: number;
}
