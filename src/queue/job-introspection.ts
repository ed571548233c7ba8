import type { Job, JobType, Queue } from 'bullmq';
import { JobMeta } from './job-meta.js';

export type JobStateName =
  | 'active'
  | 'waiting'
  | 'delayed'
  | 'prioritized'
  | 'completed'
  | 'failed'
  | 'unknown';

/** One line of `/ops jobs`, or the detail of `/ops job <id>`. Everything here is safe to show in Slack. */
export interface JobSummary {
  id: string;
  name: string;
  state: JobStateName;
  /** Runs started so far (including a running one). */
  attempts: number;
  maxAttempts: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** When a delayed job is due. */
  runAt?: number;
  /** Already user-safe: the workers only ever fail jobs with sanitized messages. */
  failedReason?: string;
  progress?: string;
  requester?: string;
  channel?: string;
  /** The job's data, to say what it does (`/ops jobs`); never shown as it is. */
  payload?: unknown;
}

export interface JobIntrospection {
  /** Active, waiting and delayed jobs first, then the most recent finished ones; newest first within each. */
  recent(limit?: number): Promise<JobSummary[]>;
  get(jobId: string): Promise<JobSummary | undefined>;
  /** Jobs per state, for the queue-depth metric and for waiting until work has settled. */
  counts(): Promise<Record<string, number>>;
}

const LIVE: JobType[] = ['active', 'waiting', 'prioritized', 'delayed'];
const FINISHED: JobType[] = ['completed', 'failed'];

type WithQueue = <T>(fn: (queue: Queue) => Promise<T>) => Promise<T>;

/**
 * Each `withQueue` runs a read against one lane's BullMQ queue (see createQueue: built lazily, errors
 * mapped); answers merge the lanes.
 */
export function createJobIntrospection(lanes: WithQueue[]): JobIntrospection {
  const fromAll = async (types: JobType[], limit: number) =>
    (await Promise.all(lanes.map((withQueue) => withQueue((queue) => byState(queue, types, limit)))))
      .flat()
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit);
  return {
    async recent(limit = 20) {
      const live = await fromAll(LIVE, limit);
      const rest = limit - live.length;
      const finished = rest > 0 ? await fromAll(FINISHED, rest) : [];
      return [...live, ...finished].slice(0, limit);
    },
    async get(jobId) {
      for (const withQueue of lanes) {
        const found = await withQueue((queue) => getOne(queue, jobId));
        if (found) return found;
      }
      return undefined;
    },
    async counts() {
      const all = await Promise.all(lanes.map((withQueue) => withQueue((queue) => queue.getJobCounts())));
      const sum: Record<string, number> = {};
      for (const counts of all)
        for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
      return sum;
    },
  };
}

async function byState(queue: Queue, types: JobType[], limit: number): Promise<JobSummary[]> {
  const lists = await Promise.all(
    types.map(async (type) => {
      const jobs = await queue.getJobs(type, 0, limit - 1, false);
      return jobs.map((job) => summarize(job, type as JobStateName));
    }),
  );
  return lists.flat().sort((a, b) => b.createdAt - a.createdAt);
}

async function getOne(queue: Queue, jobId: string): Promise<JobSummary | undefined> {
  let job = await queue.getJob(jobId);
  if (!job) return undefined;
  const state = await job.getState();
  // It may have finished between the two reads: read it again so the outcome fields match the state.
  if ((state === 'completed' || state === 'failed') && !job.finishedOn) job = await queue.getJob(jobId);
  if (!job) return undefined;
  return summarize(job, (state === 'waiting-children' ? 'waiting' : state) as JobStateName);
}

function summarize(job: Job, state: JobStateName): JobSummary {
  const meta = JobMeta.safeParse((job.data as { meta?: unknown } | undefined)?.meta);
  const summary: JobSummary = {
    id: job.id ?? '',
    name: job.name,
    state,
    attempts: job.attemptsStarted,
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: job.timestamp,
    payload: job.data,
  };
  if (job.processedOn) summary.startedAt = job.processedOn;
  if (job.finishedOn) summary.finishedAt = job.finishedOn;
  if (state === 'delayed') summary.runAt = job.timestamp + (job.delay ?? 0);
  if (job.failedReason) summary.failedReason = job.failedReason;
  if (typeof job.progress === 'string' && job.progress) summary.progress = job.progress;
  if (meta.success) {
    summary.requester = meta.data.requester;
    if (meta.data.channel) summary.channel = meta.data.channel;
  }
  return summary;
}
