import { stableUuid } from './coder-http.js';
import type { ProbeContext } from './types.js';
import type { Daemons } from './workspace-sim.js';

/** The control API's queued jobs are this far apart, the first one 15 s old. */
const SYNTHETIC_SPACING_MS = 15_000;

export const syntheticJobId = (org: string, status: string, i: number) =>
  stableUuid(`job:${org}:${status}:${i}`);
export const syntheticCreatedAt = (i: number, nowMs: number) => nowMs - (i + 1) * SYNTHETIC_SPACING_MS;

/** Ready daemons per organization from the clusters; the control API's queue keeps them all busy. */
export function daemonsOf(ctx: ProbeContext): Daemons {
  const facts = ctx.opts.facts();
  return (org) => ({
    ready: facts.provisioners.find((p) => p.org === org)?.ready ?? 0,
    blocked: (ctx.state.pendingJobs.get(org) ?? 0) > 0,
  });
}

/** Lets simulated builds progress up to the sandbox clock's now; every reader calls it first. */
export function syncWorkspaces(ctx: ProbeContext): number {
  const now = ctx.opts.clock.now();
  ctx.state.workspaces.advance(now, daemonsOf(ctx));
  return now;
}

export interface PendingQueue {
  /** Job id → 1-based position, oldest first, as coderd's queue_position. */
  positions: Map<string, number>;
  size: number;
}

/** One organization's pending jobs: the control API's and the workspace builds', by age. */
export function pendingQueue(org: string, ctx: ProbeContext, nowMs: number): PendingQueue {
  const synthetic = Array.from({ length: ctx.state.pendingJobs.get(org) ?? 0 }, (_, i) => ({
    id: syntheticJobId(org, 'pending', i),
    createdAt: syntheticCreatedAt(i, nowMs),
  }));
  const real = ctx.state.workspaces
    .jobsOf(org)
    .filter(({ build }) => build.job.startedAt === undefined && build.job.completedAt === undefined)
    .map(({ build }) => ({ id: build.job.id, createdAt: build.job.createdAt }));
  const ordered = [...synthetic, ...real].sort((a, b) => a.createdAt - b.createdAt);
  return { positions: new Map(ordered.map((j, i) => [j.id, i + 1])), size: ordered.length };
}
