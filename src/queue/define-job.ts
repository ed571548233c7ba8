import type { z } from 'zod';
import type { Logger } from './logger.js';

/** What a job's `process` gets besides its payload; `deps` is whatever the composition root injects. */
export interface JobContext<D> {
  jobId: string;
  name: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  log: Logger;
  /** BullMQ's lock token of this run: a fencing token (a run that replaced a stalled one has another). */
  token: string | undefined;
  /** Aborted when this run loses its job lock (its worker stalled and the job went to another) or closes. */
  signal: AbortSignal;
  /** Stored on the job (shown by `/ops job <id>`) and forwarded to the workers' `onProgress` hook. */
  progress(text: string): Promise<void>;
  /**
   * Gives the worker back and runs this job again in `ms` (not counted as an attempt): for work that would
   * otherwise sit waiting, e.g. for Slack's rate limit. Throws; call it as `return ctx.retryLater(ms)`.
   */
  retryLater(ms: number): Promise<never>;
  deps: D;
}

export type Lane = 'interactive' | 'long';
export const LANES: readonly Lane[] = ['interactive', 'long'];

export interface JobFailure {
  /** Safe to show in Slack. */
  userMessage: string;
  error: unknown;
}

export interface JobDefinition<S extends z.ZodType, D> {
  name: string;
  payload: S;
  /** Total runs including the first (default 3). UserErrors never retry. */
  attempts?: number;
  /** Base of the exponential backoff (default 1000 ms). */
  backoffMs?: number;
  /**
   * `long` work (rollouts, copies, diagnostics) runs on its own queue and workers, so reads and
   * Approve/Cancel never wait behind it (default `interactive`).
   */
  lane?: Lane;
  /** Housekeeping (expiry, reminders, digests) runs behind interactive work: BullMQ priority, 1 = first. */
  priority?: number;
  process(payload: z.output<S>, ctx: JobContext<D>): Promise<unknown>;
  /** Called once when the job has failed for good, to tell the user; overrides the workers' `onFailed`. */
  onFailed?(payload: z.output<S>, ctx: JobContext<D>, failure: JobFailure): Promise<void>;
}

// Method syntax above keeps parameters bivariant, so a definition for a specific schema (or narrower deps)
// fits a registry of these.
export type AnyJobDefinition<D> = JobDefinition<z.ZodType, D>;

export function defineJob<S extends z.ZodType, D>(definition: JobDefinition<S, D>): JobDefinition<S, D> {
  if (!/^[a-z][a-z0-9.-]*$/.test(definition.name)) throw new Error(`bad job name "${definition.name}"`);
  return definition;
}

export type JobRegistry<D> = ReadonlyMap<string, AnyJobDefinition<D>>;

export function createJobRegistry<D>(definitions: AnyJobDefinition<D>[]): JobRegistry<D> {
  const registry = new Map<string, AnyJobDefinition<D>>();
  for (const def of definitions) {
    if (registry.has(def.name)) throw new Error(`job "${def.name}" is defined twice`);
    registry.set(def.name, def);
  }
  return registry;
}
