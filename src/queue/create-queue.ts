import { randomUUID } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { type JobDefinition, type JobRegistry, LANES } from './define-job.js';
import { sanitizeJobId } from './job-id.js';
import { createJobIntrospection, type JobIntrospection } from './job-introspection.js';
import { LazyQueue } from './lazy-queue.js';
import {
  DEDUP_TTL_MS,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_QUEUE_NAME,
  ENQUEUE_TOKEN,
  jobOptions,
  laneQueueName,
} from './queue-defaults.js';

export interface EnqueueOptions {
  /** Derived from the request identity upstream; sanitized here (no `:`, not all digits). */
  jobId: string;
  delayMs?: number;
}

export interface EnqueueResult {
  jobId: string;
  /** A job with this id already existed (a Slack retry or double click): nothing new was queued. */
  duplicate: boolean;
}

export interface JobQueue {
  readonly name: string;
  enqueue<S extends z.ZodType>(
    job: string | JobDefinition<S, never>,
    payload: z.input<S>,
    opts: EnqueueOptions,
  ): Promise<EnqueueResult>;
  /** Removes a waiting or delayed job (e.g. a scheduled revert made moot); false if absent or running. */
  remove(jobId: string): Promise<boolean>;
  jobs: JobIntrospection;
  close(): Promise<void>;
}

export interface CreateQueueOptions<D> {
  /** Producer connection (see createProducerConnection): fails fast when Redis is down. */
  connection: Redis;
  prefix: string;
  registry: JobRegistry<D>;
  queueName?: string;
  /** How long a not-yet-connected producer may wait for Redis before giving up (default 2000 ms). */
  readyTimeoutMs?: number;
  /** Replaces every job's backoff base (tests and demos want retries in milliseconds, not seconds). */
  retryBaseMs?: number;
}

export function createQueue<D>(options: CreateQueueOptions<D>): JobQueue {
  const { connection, prefix, registry } = options;
  const base = options.queueName ?? DEFAULT_QUEUE_NAME;
  // One BullMQ queue per lane; everything else (ids, dedup, introspection) spans both.
  const lanes = new Map(
    LANES.map((lane) => [
      lane,
      new LazyQueue(laneQueueName(base, lane), connection, prefix, options.readyTimeoutMs ?? 2_000),
    ]),
  );
  const all = [...lanes.values()];

  async function enqueue(
    job: string | JobDefinition<z.ZodType, never>,
    payload: unknown,
    opts: EnqueueOptions,
  ): Promise<EnqueueResult> {
    const jobName = typeof job === 'string' ? job : job.name;
    const def = registry.get(jobName);
    if (!def) throw new Error(`unknown job "${jobName}"`);
    const parsed = def.payload.safeParse(payload);
    // A bad payload is a bug in the caller, not something the user can fix.
    if (!parsed.success) throw new Error(`invalid payload for job "${jobName}": ${parsed.error.message}`);
    if (typeof parsed.data !== 'object' || parsed.data === null || Array.isArray(parsed.data))
      throw new Error(`job "${jobName}" must have an object payload`);
    const jobId = sanitizeJobId(opts.jobId);
    const jobOpts: JobsOptions = {
      ...jobOptions(
        def.attempts ?? DEFAULT_ATTEMPTS,
        options.retryBaseMs ?? def.backoffMs ?? DEFAULT_BACKOFF_MS,
      ),
      jobId,
      // Remembered for Slack's whole retry window however fast finished jobs are trimmed from history.
      deduplication: { id: jobId, ttl: DEDUP_TTL_MS },
      ...(opts.delayMs ? { delay: opts.delayMs } : {}),
      ...(def.priority ? { priority: def.priority } : {}),
    };
    const lane = lanes.get(def.lane ?? 'interactive')!;
    return lane.run((queue) => addOnce(queue, connection, jobName, parsed.data as object, jobOpts, jobId));
  }

  return {
    name: base,
    enqueue: enqueue as JobQueue['enqueue'],
    async remove(jobId) {
      const removed = await Promise.all(
        all.map((lane) => lane.run(async (queue) => (await queue.remove(sanitizeJobId(jobId))) === 1)),
      );
      return removed.includes(true);
    },
    jobs: createJobIntrospection(all.map((lane) => (fn) => lane.run(fn))),
    close: async () => {
      await Promise.all(all.map((lane) => lane.close()));
    },
  };
}

/**
 * BullMQ silently keeps the existing job on a duplicate id and does not say so; a random token in the
 * data tells us afterwards whose add created the job, even for simultaneous calls.
 */
async function addOnce(
  queue: Queue,
  connection: Redis,
  name: string,
  data: object,
  opts: JobsOptions,
  jobId: string,
): Promise<EnqueueResult> {
  const key = `${queue.opts.prefix}:${queue.name}:${jobId}`;
  // No existence check first: BullMQ keeps the existing job (or its deduplication key) on its own.
  // randomUUID draws from a cached entropy pool; randomBytes asks OpenSSL each time (on the ack path).
  const token = randomUUID();
  await queue.add(name, { ...data, [ENQUEUE_TOKEN]: token }, opts);
  const stored = await connection.hget(key, 'data');
  const created = stored !== null && (JSON.parse(stored) as Record<string, unknown>)[ENQUEUE_TOKEN] === token;
  return { jobId, duplicate: !created };
}
