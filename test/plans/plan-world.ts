// Builds the plan machinery over one Redis prefix. No vitest imports: the crash test's child process uses it too.
import { Redis } from 'ioredis';
import { AuditLog } from '../../src/audit/audit-log.js';
import { createChangeKinds } from '../../src/plans/change-kind.js';
import { createFlagKind, type FlagKindOptions } from '../../src/plans/kinds/flag-kind.js';
import type { PlanAccess, PlanDeps } from '../../src/plans/plan-deps.js';
import { planJobs } from '../../src/plans/plan-jobs.js';
import { PlanStore } from '../../src/plans/plan-store.js';
import type { Chat } from '../../src/ports/chat.js';
import { type Clock, systemClock } from '../../src/ports/clock.js';
import { createProgressPacer } from '../../src/queue/create-progress-reporter.js';
import { createQueue, type JobQueue } from '../../src/queue/create-queue.js';
import { createJobRegistry } from '../../src/queue/define-job.js';
import type { Logger } from '../../src/queue/logger.js';
import { silentLogger } from '../../src/queue/logger.js';
import { type StartWorkersOptions, startWorkers, type Workers } from '../../src/queue/start-workers.js';

export const ENV = 'test.env';
export const CHANNEL = 'C0OPS';
export const ALICE = 'UALICE';
export const BOB = 'UBOB';
export const VIEWER = 'UVIEWER';

export const defaultAccess: PlanAccess = {
  twoPerson: ['flag.set'],
  incidentWaiver: true,
  planTtlMinutes: 15,
};

export interface WorldOptions {
  url: string;
  prefix: string;
  chat: Chat;
  clock?: Clock;
  access?: PlanAccess;
  hooks?: FlagKindOptions['hooks'];
  lockTtlMs?: number;
  /** Plan-message edit pacing; 0 by default so tests do not wait (pacing has its own tests). */
  editIntervalMs?: number;
}

export interface PlanWorld {
  deps: PlanDeps;
  redis: Redis;
  queue: JobQueue;
  registry: ReturnType<typeof createJobRegistry<PlanDeps>>;
  startWorker(extra?: Partial<StartWorkersOptions<PlanDeps>> & { logger?: Logger }): Workers;
  close(): Promise<void>;
}

export function buildPlanWorld(options: WorldOptions): PlanWorld {
  const redis = new Redis(options.url, { maxRetriesPerRequest: null });
  const registry = createJobRegistry<PlanDeps>(planJobs);
  const queue = createQueue({ connection: redis, prefix: options.prefix, registry, retryBaseMs: 10 });
  const access = options.access ?? defaultAccess;
  const deps: PlanDeps = {
    redis,
    prefix: options.prefix,
    plans: new PlanStore({ redis, prefix: options.prefix }),
    queue,
    chat: options.chat,
    audit: new AuditLog({ redis, prefix: options.prefix }),
    clock: options.clock ?? systemClock,
    kinds: createChangeKinds([
      createFlagKind({ redis, prefix: options.prefix, ...(options.hooks ? { hooks: options.hooks } : {}) }),
    ]),
    access: () => access,
    lockTtlMs: options.lockTtlMs ?? 5_000,
    pacer: createProgressPacer(options.editIntervalMs ?? 0),
  };
  const workers: Workers[] = [];
  const connections: Redis[] = [redis];
  return {
    deps,
    redis,
    queue,
    registry,
    startWorker(extra = {}) {
      const connection = new Redis(options.url, { maxRetriesPerRequest: null });
      connections.push(connection);
      const w = startWorkers({
        connection,
        prefix: options.prefix,
        registry,
        deps,
        logger: silentLogger,
        concurrency: 4,
        ...extra,
      });
      workers.push(w);
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => {})));
    },
  };
}
