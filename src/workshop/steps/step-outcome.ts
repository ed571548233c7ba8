import type { JobDeps } from '../../jobs/job-deps.js';
import type { Logger } from '../../queue/logger.js';
import type { Workshop } from '../workshop-record.js';
import type { WorkshopStore } from '../workshop-store.js';

/** How a step ended, as the timeline shows it. */
export interface StepOutcome {
  status: 'done' | 'failed' | 'skipped';
  detail: string;
  planIds?: string[];
}

export interface StepContext {
  deps: JobDeps;
  store: WorkshopStore;
  log: Logger;
  signal: AbortSignal;
  /** Id of the job running the step: stable across its retries, so anything it queues is queued once. */
  jobId: string;
  /** This run's lock token: differs between a run and its retry (or a run that replaced a stalled one). */
  runToken?: string;
}

export type StepRunner = (w: Workshop, ctx: StepContext) => Promise<StepOutcome>;
