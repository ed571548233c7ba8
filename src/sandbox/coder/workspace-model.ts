/** The simulated Coder database rows behind the workspace API (times in sandbox-clock ms). */

export type Transition = 'start' | 'stop' | 'delete';
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'canceling' | 'canceled' | 'failed';

export interface SimTemplate {
  id: string;
  org: string;
  name: string;
  displayName: string;
  activeVersionId: string;
  activeVersionName: string;
  createdAt: number;
}

export interface SimJob {
  id: string;
  org: string;
  fileId: string;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  canceledAt?: number;
  error?: string;
  /** Index of the provisioner daemon (`coder-provisioner-<org>-<i>`) that runs it. */
  worker?: number;
}

export interface SimAgent {
  id: string;
  resourceId: string;
  createdAt: number;
  connectAt: number;
  readyAt: number;
  /** The startup script fails: lifecycle `start_error` instead of `ready`. */
  startError: boolean;
}

export interface SimBuild {
  id: string;
  number: number;
  transition: Transition;
  createdAt: number;
  job: SimJob;
  /** The probe whose API received the request (failure injection matches on it). */
  via: string;
  orphan: boolean;
  /** Set when a start build succeeds. */
  agent?: SimAgent;
}

export interface SimWorkspace {
  id: string;
  name: string;
  org: string;
  templateId: string;
  createdAt: number;
  deleted: boolean;
  builds: SimBuild[];
}

/** codersdk's ProvisionerJobStatus, derived from the timestamps as coderd's SQL does. */
export function jobStatus(job: SimJob): JobStatus {
  if (job.canceledAt !== undefined) return job.completedAt !== undefined ? 'canceled' : 'canceling';
  if (job.startedAt === undefined) return 'pending';
  if (job.completedAt === undefined) return 'running';
  return job.error === undefined ? 'succeeded' : 'failed';
}

/** A job that still holds the workspace (coderd refuses another build while one is active). */
export function jobActive(job: SimJob): boolean {
  const status = jobStatus(job);
  return status === 'pending' || status === 'running' || status === 'canceling';
}

const IN_PROGRESS: Record<Transition, string> = { start: 'starting', stop: 'stopping', delete: 'deleting' };
const DONE: Record<Transition, string> = { start: 'running', stop: 'stopped', delete: 'deleted' };

/** codersdk.WorkspaceStatus of a build: its job's status read through the transition. */
export function buildStatus(build: SimBuild): string {
  const status = jobStatus(build.job);
  if (status === 'running') return IN_PROGRESS[build.transition];
  if (status === 'succeeded') return DONE[build.transition];
  return status;
}

export function latestBuild(ws: SimWorkspace): SimBuild {
  return ws.builds[ws.builds.length - 1] as SimBuild;
}
