import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type AnyJobDefinition,
  type JobContext,
  type JobFailure,
  type JobRegistry,
  LANES,
} from './define-job.js';
import { backoffStrategy, decideFailure } from './error-policy.js';
import { JobMeta } from './job-meta.js';
import type { Logger } from './logger.js';
import { DEFAULT_QUEUE_NAME, ENQUEUE_TOKEN, laneQueueName } from './queue-defaults.js';

export interface JobInfo {
  jobId: string;
  name: string;
  meta: JobMeta | undefined;
}

export interface StartWorkersOptions<D> {
  /** Worker connection (see createWorkerConnection): `maxRetriesPerRequest: null`. */
  connection: Redis;
  prefix: string;
  registry: JobRegistry<D>;
  deps: D;
  /** Jobs at once on the interactive lane (default 4). */
  concurrency?: number;
  /** Jobs at once on the long lane (rollouts, copies, diagnostics; default 4). */
  longConcurrency?: number;
  logger: Logger;
  queueName?: string;
  /** BullMQ's job lock and stalled check (defaults 30 s each); tests shorten them. */
  lockDuration?: number;
  stalledInterval?: number;
  /** Times a job may be recovered after its worker died before it fails (default 1). */
  maxStalledCount?: number;
  /** Tells the user about a final failure of jobs whose definition has no `onFailed`. */
  onFailed?(info: JobInfo, failure: JobFailure): Promise<void>;
  /** Forwards `ctx.progress` (e.g. to a progress reporter editing a Slack message). */
  onProgress?(info: JobInfo, text: string): Promise<void>;
  /** Every run's outcome, for metrics: `completed`, `retrying`, `failed` (user error) or `error` (internal). */
  onOutcome?(name: string, outcome: 'completed' | 'retrying' | 'failed' | 'error'): void;
}

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers<D>(options: StartWorkersOptions<D>): Workers {
  // Errors our processor threw were already reported; anything else failing a job came from BullMQ itself.
  const reported = new WeakSet<Error>();
  const workers = LANES.map((lane) =>
    startLane(
      laneQueueName(options.queueName ?? DEFAULT_QUEUE_NAME, lane),
      lane === 'long' ? (options.longConcurrency ?? 4) : (options.concurrency ?? 4),
      options,
      reported,
    ),
  );
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

/** The workers of one lane: their own queue and concurrency, so long work never blocks interactive work. */
function startLane<D>(
  queueName: string,
  concurrency: number,
  options: StartWorkersOptions<D>,
  reported: WeakSet<Error>,
): Worker {
  const { logger } = options;
  const worker = new Worker(
    queueName,
    // Three parameters, so BullMQ creates an AbortSignal per run (it checks the processor's arity).
    (job, token, signal) => runJob(job, { token, signal }, options, reported),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency,
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
      settings: { backoffStrategy },
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  // A run whose lock could not be renewed may already be running elsewhere: stop it at its next await.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) {
      logger.warn({ jobId }, 'lost the job lock; aborting this run');
      worker.cancelJob(jobId, 'lost the job lock');
    }
  });
  worker.on('stalled', (jobId) =>
    logger.warn({ jobId }, 'job stalled: its worker died or hung; recovering it'),
  );
  worker.on('failed', (job, err) => {
    if (job && !reported.has(err)) void reportForeignFailure(job, err, options);
  });
  return worker;
}

interface RunHandle {
  token: string | undefined;
  signal: AbortSignal | undefined;
}

async function runJob<D>(
  job: Job,
  run: RunHandle,
  options: StartWorkersOptions<D>,
  reported: WeakSet<Error>,
): Promise<unknown> {
  const jobId = job.id ?? '';
  const log = options.logger.child({ jobId, job: job.name });
  const def = options.registry.get(job.name);
  const { [ENQUEUE_TOKEN]: _token, ...data } = (job.data ?? {}) as Record<string, unknown>;
  const parsed = def?.payload.safeParse(data);
  if (!def || !parsed?.success) {
    // Stored data we cannot read is our bug; retrying will not fix it.
    log.error({ issues: parsed?.error?.issues }, def ? 'stored payload is invalid' : 'no definition for job');
    throw new UnrecoverableError(`internal error, ref ${jobId}`);
  }
  const ctx = makeContext(job, def, options, log, run);
  try {
    const result = await def.process(parsed.data, ctx);
    options.onOutcome?.(job.name, 'completed');
    return result;
  } catch (err) {
    // retryLater: already moved back to delayed; not a failure.
    if (err instanceof DelayedError) throw err;
    const decision = decideFailure(err, jobId, ctx.attempt, ctx.maxAttempts);
    options.onOutcome?.(
      job.name,
      !decision.final ? 'retrying' : decision.level === 'error' ? 'error' : 'failed',
    );
    log[decision.level]({ err, attempt: ctx.attempt, final: decision.final }, 'job failed');
    if (decision.final)
      await notifyFailure(def, parsed.data, ctx, { userMessage: decision.userMessage, error: err }, options);
    reported.add(decision.rethrow);
    throw decision.rethrow;
  }
}

/** BullMQ failed the job without running it (it stalled too often): still tell the user once. */
async function reportForeignFailure<D>(job: Job, err: Error, options: StartWorkersOptions<D>): Promise<void> {
  const jobId = job.id ?? '';
  const log = options.logger.child({ jobId, job: job.name });
  log.error({ reason: err.message }, 'job failed outside its processor');
  const def = options.registry.get(job.name);
  const { [ENQUEUE_TOKEN]: _token, ...data } = (job.data ?? {}) as Record<string, unknown>;
  const parsed = def?.payload.safeParse(data);
  if (!def || !parsed?.success) return;
  const failure = { userMessage: `internal error, ref ${jobId}`, error: err };
  await notifyFailure(
    def,
    parsed.data,
    makeContext(job, def, options, log, { token: undefined, signal: undefined }),
    failure,
    options,
  );
}

function makeContext<D>(
  job: Job,
  def: AnyJobDefinition<D>,
  options: StartWorkersOptions<D>,
  log: Logger,
  run: RunHandle,
): JobContext<D> {
  const info = jobInfo(job);
  return {
    token: run.token,
    signal: run.signal ?? new AbortController().signal,
    jobId: info.jobId,
    name: job.name,
    // attemptsMade counts finished failed runs; a stalled-and-restarted run does not add one.
    attempt: job.attemptsMade + 1,
    maxAttempts: job.opts.attempts ?? def.attempts ?? 1,
    log,
    deps: options.deps,
    async retryLater(ms) {
      await job.moveToDelayed(Date.now() + Math.max(1, ms), run.token);
      throw new DelayedError();
    },
    async progress(text) {
      await job.updateProgress(text);
      if (options.onProgress)
        await options.onProgress(info, text).catch((err) => log.warn({ err }, 'progress hook failed'));
    },
  };
}

async function notifyFailure<D>(
  def: AnyJobDefinition<D>,
  payload: unknown,
  ctx: JobContext<D>,
  failure: JobFailure,
  options: StartWorkersOptions<D>,
): Promise<void> {
  try {
    if (def.onFailed) await def.onFailed(payload, ctx, failure);
    else if (options.onFailed)
      await options.onFailed({ jobId: ctx.jobId, name: ctx.name, meta: metaOf(payload) }, failure);
  } catch (err) {
    ctx.log.error({ err }, 'could not report the failure to the user');
  }
}

function jobInfo(job: Job): JobInfo {
  return { jobId: job.id ?? '', name: job.name, meta: metaOf(job.data) };
}

function metaOf(data: unknown): JobMeta | undefined {
  const parsed = JobMeta.safeParse((data as { meta?: unknown } | undefined)?.meta);
  return parsed.success ? parsed.data : undefined;
}
