import { once } from 'node:events';
import { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransientError } from '../../src/errors/transient-error.js';
import { UserError } from '../../src/errors/user-error.js';
import { createQueue, type JobQueue } from '../../src/queue/create-queue.js';
import { type AnyJobDefinition, createJobRegistry, defineJob } from '../../src/queue/define-job.js';
import type { JobSummary } from '../../src/queue/job-introspection.js';
import { JobMeta } from '../../src/queue/job-meta.js';
import { QueueUnavailableError } from '../../src/queue/queue-unavailable-error.js';
import { createProducerConnection } from '../../src/queue/redis-connections.js';
import { type StartWorkersOptions, startWorkers } from '../../src/queue/start-workers.js';
import { type LogLine, recordingLogger } from '../support/recording-logger.js';
import { connect, dumpPrefix, eventually, redisUrl, uniquePrefix } from '../support/redis.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Deps {
  runs: { id: string; attempt: number; payload: unknown }[];
  apiToken: string;
}

const Payload = z.object({ n: z.number().int(), meta: JobMeta });
const meta = { requester: 'UALICE', channel: 'C0OPS' };

/** A queue + worker over a fresh prefix, with `process` as the job body. */
function setup(
  process: (n: number, deps: Deps, attempt: number) => Promise<unknown>,
  extra: Partial<StartWorkersOptions<Deps>> & { attempts?: number } = {},
) {
  const prefix = uniquePrefix('queue');
  const redis = connect();
  const job = defineJob({
    name: 'test.work',
    payload: Payload,
    attempts: extra.attempts ?? 3,
    backoffMs: 5,
    async process(
      p,
      ctx: { deps: Deps; jobId: string; attempt: number; progress(t: string): Promise<void> },
    ) {
      ctx.deps.runs.push({ id: ctx.jobId, attempt: ctx.attempt, payload: p });
      if (p.n === 99) await ctx.progress('halfway there');
      return process(p.n, ctx.deps, ctx.attempt);
    },
  });
  const registry = createJobRegistry<Deps>([job as AnyJobDefinition<Deps>]);
  const queue = createQueue({ connection: redis, prefix, registry });
  const deps: Deps = { runs: [], apiToken: 'sk-PLANTED-SECRET-4242' };
  const lines: LogLine[] = [];
  const workerConn = connect();
  const workers = startWorkers({
    connection: workerConn,
    prefix,
    registry,
    deps,
    logger: recordingLogger(lines),
    ...extra,
  });
  cleanup.push(async () => {
    await workers.close();
    await queue.close();
    await workerConn.quit();
    await redis.quit();
  });
  return { prefix, redis, queue, deps, lines, job };
}

async function settled(queue: JobQueue, id: string): Promise<JobSummary> {
  return eventually(async () => {
    const s = await queue.jobs.get(id);
    return s && (s.state === 'completed' || s.state === 'failed') ? s : undefined;
  });
}

describe('queue', () => {
  it('runs a job once however often the same request enqueues it', async () => {
    const { queue, deps, job } = setup(async () => 'ok');
    const first = await queue.enqueue(job, { n: 1, meta }, { jobId: 'cmd:trigger.123' });
    expect(first).toEqual({ jobId: 'cmd_trigger.123', duplicate: false });
    await settled(queue, first.jobId);
    // A Slack retry after the job finished still maps to it.
    const again = await queue.enqueue('test.work', { n: 1, meta }, { jobId: 'cmd:trigger.123' });
    expect(again).toEqual({ jobId: 'cmd_trigger.123', duplicate: true });
    const burst = await Promise.all(
      [1, 2, 3].map(() => queue.enqueue(job, { n: 2, meta }, { jobId: 'burst-1' })),
    );
    expect(burst.filter((r) => !r.duplicate)).toHaveLength(1);
    await settled(queue, 'burst-1');
    expect(deps.runs.map((r) => r.id).sort()).toEqual(['burst-1', 'cmd_trigger.123']);
  });

  it('throws on a payload that does not match the schema, and queues nothing', async () => {
    const { queue } = setup(async () => 'ok');
    await expect(queue.enqueue('test.work', { n: 'one', meta }, { jobId: 'bad-1' })).rejects.toThrow(
      /invalid payload for job "test.work"/,
    );
    await expect(queue.enqueue('nope', {}, { jobId: 'bad-2' })).rejects.toThrow('unknown job "nope"');
    expect(await queue.jobs.get('bad-1')).toBeUndefined();
  });

  it('retries a transient failure with backoff and then succeeds', async () => {
    const { queue, deps, job } = setup(async (_n, d, attempt) => {
      if (attempt < 3) throw new TransientError('503 Service Unavailable', { retryAfterMs: 20 });
      return `done after ${d.runs.length}`;
    });
    const { jobId } = await queue.enqueue(job, { n: 3, meta }, { jobId: 'flaky-1' });
    const summary = await settled(queue, jobId);
    expect(summary.state).toBe('completed');
    expect(deps.runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('does not retry a UserError and keeps its message for the user', async () => {
    const failures: string[] = [];
    const { queue, deps, job } = setup(
      async () => {
        throw new UserError('No deployment "litellm2" in ai.coder.com.', { hint: 'See `/ops status`.' });
      },
      { onFailed: async (info, f) => void failures.push(`${info.meta?.requester}: ${f.userMessage}`) },
    );
    const { jobId } = await queue.enqueue(job, { n: 4, meta }, { jobId: 'user-1' });
    const summary = await settled(queue, jobId);
    expect(summary).toMatchObject({
      state: 'failed',
      attempts: 1,
      failedReason: 'No deployment "litellm2" in ai.coder.com.\nSee `/ops status`.',
      requester: 'UALICE',
    });
    expect(deps.runs).toHaveLength(1);
    expect(failures).toEqual(['UALICE: No deployment "litellm2" in ai.coder.com.\nSee `/ops status`.']);
  });

  it('shows only a reference for an internal error, logs it in full, and stores no secret', async () => {
    const failures: string[] = [];
    const { queue, deps, job, lines, redis, prefix } = setup(
      async (_n, d) => {
        throw new Error(`upstream rejected token ${d.apiToken}`);
      },
      { attempts: 2, onFailed: async (_i, f) => void failures.push(f.userMessage) },
    );
    const { jobId } = await queue.enqueue(job, { n: 5, meta }, { jobId: 'bug-1' });
    const summary = await settled(queue, jobId);
    expect(summary).toMatchObject({
      state: 'failed',
      attempts: 2,
      failedReason: 'internal error, ref bug-1',
    });
    expect(failures).toEqual(['internal error, ref bug-1']); // told once, after the last attempt
    const logged = lines.filter((l) => l.level === 'error' && l.msg === 'job failed');
    expect(logged).toHaveLength(2);
    expect(String((logged[0]!.obj.err as Error).message)).toContain('upstream rejected token');
    expect(logged[0]!.obj.jobId).toBe('bug-1');
    expect(await dumpPrefix(redis, prefix)).not.toContain(deps.apiToken);
  });

  it('lists recent jobs and one job in detail, with progress', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { queue, job } = setup(async (n) => {
      if (n === 99) await gate;
      return n;
    });
    await queue.enqueue(job, { n: 1, meta }, { jobId: 'list-done' });
    await settled(queue, 'list-done');
    await queue.enqueue(job, { n: 99, meta: { requester: 'UBOB' } }, { jobId: 'list-active' });
    await queue.enqueue(job, { n: 2, meta }, { jobId: 'list-later', delayMs: 60_000 });
    const active = await eventually(async () => {
      const s = await queue.jobs.get('list-active');
      return s?.progress ? s : undefined;
    });
    expect(active).toMatchObject({
      state: 'active',
      progress: 'halfway there',
      requester: 'UBOB',
      attempts: 1,
    });
    const recent = await queue.jobs.recent(10);
    expect(recent.map((j) => [j.id, j.state])).toEqual([
      ['list-later', 'delayed'],
      ['list-active', 'active'],
      ['list-done', 'completed'],
    ]);
    expect(recent[0]!.runAt).toBeGreaterThan(Date.now() + 50_000);
    expect(recent[2]).toMatchObject({ name: 'test.work', requester: 'UALICE', channel: 'C0OPS' });
    expect(recent[2]!.finishedAt).toBeGreaterThanOrEqual(recent[2]!.createdAt);
    expect(await queue.remove('list-later')).toBe(true);
    release();
    await settled(queue, 'list-active');
  });

  it('answers fast when Redis is down instead of hanging the Slack ack', async () => {
    const down = createProducerConnection('redis://127.0.0.1:1');
    down.on('error', () => {});
    const job = defineJob({ name: 'x', payload: z.object({}), process: async () => 1 });
    const queue = createQueue({
      connection: down,
      prefix: uniquePrefix('down'),
      registry: createJobRegistry([job]),
    });
    cleanup.push(async () => {
      await queue.close().catch(() => {});
      down.disconnect();
    });
    await expect(queue.enqueue(job, {}, { jobId: 'a' })).rejects.toBeInstanceOf(QueueUnavailableError);
    await expect(queue.enqueue(job, {}, { jobId: 'a' })).rejects.toThrow('cannot reach its job queue');
  });
});

describe('producer connection', () => {
  it('fails at once while its connection is gone, and works again once it is back', async () => {
    const producer = createProducerConnection(redisUrl());
    const job = defineJob({ name: 'x', payload: z.object({}), process: async () => 1 });
    const queue = createQueue({
      connection: producer,
      prefix: uniquePrefix('gone'),
      registry: createJobRegistry([job]),
    });
    expect(await queue.enqueue(job, {}, { jobId: 'while-up' })).toEqual({
      jobId: 'while-up',
      duplicate: false,
    });
    const ended = once(producer, 'end');
    producer.disconnect();
    await ended;
    await expect(queue.enqueue(job, {}, { jobId: 'while-down' })).rejects.toBeInstanceOf(
      QueueUnavailableError,
    );
    // Back again: the same queue works without a restart.
    await producer.connect();
    expect(await queue.enqueue(job, {}, { jobId: 'after' })).toEqual({ jobId: 'after', duplicate: false });
    await queue.close();
    await producer.quit();
  });
});

describe('a job whose worker keeps dying', () => {
  it('is failed by BullMQ and the user is still told once', async () => {
    const prefix = uniquePrefix('stall');
    const redis = connect();
    const job = defineJob({ name: 'stuck', payload: Payload, process: async () => 'never here' });
    const registry = createJobRegistry([job]);
    const queue = createQueue({ connection: redis, prefix, registry });
    // A worker that takes the job and then goes silent, like a process frozen or killed mid-job.
    const frozenConn = connect();
    const frozen = new Worker('ops', () => new Promise(() => {}), {
      connection: frozenConn,
      prefix,
      lockDuration: 300,
      skipLockRenewal: true,
      skipStalledCheck: true,
    });
    await queue.enqueue(job, { n: 1, meta }, { jobId: 'stuck-1' });
    await eventually(async () => ((await queue.jobs.get('stuck-1'))?.state === 'active' ? true : undefined));
    const told: string[] = [];
    const workerConn = connect();
    const workers = startWorkers({
      connection: workerConn,
      prefix,
      registry,
      deps: {},
      logger: recordingLogger(),
      stalledInterval: 200,
      maxStalledCount: 0,
      onFailed: async (info, f) => void told.push(`${info.jobId}: ${f.userMessage}`),
    });
    cleanup.push(async () => {
      await workers.close();
      await frozen.close(true);
      await frozenConn.quit();
      await queue.close();
      await workerConn.quit();
      await redis.quit();
    });
    const summary = await eventually(async () => {
      const s = await queue.jobs.get('stuck-1');
      return s?.state === 'failed' ? s : undefined;
    });
    expect(summary.failedReason).toBe('job stalled more than allowable limit');
    await eventually(async () => (told.length ? true : undefined));
    expect(told).toEqual(['stuck-1: internal error, ref stuck-1']);
  });
});
