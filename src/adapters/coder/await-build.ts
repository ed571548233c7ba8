import { TransientError } from '../../errors/transient-error.js';
import type { CoderClient } from './coder-client.js';
import { coderFailureText } from './coder-failure-text.js';
import { Workspace, type WorkspaceBuild } from './coder-schemas.js';
import type { Deadline } from './deadline.js';
import { describeFailure } from './describe-failure.js';

/** A polled workspace, or why polling stopped. */
export type Polled = { ok: true; ws: Workspace } | { ok: false; detail: string };

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Polls `GET /api/v2/workspaces/{id}` until `settled` says yes or no, with backoff until the
 * deadline. Transient failures (5xx, timeouts) are retried; the last one is named if time runs out.
 */
export async function pollWorkspace(
  api: CoderClient,
  id: string,
  deadline: Deadline,
  settled: (ws: Workspace) => { done: true; detail?: string } | { done: false },
  stillWaiting: (ws: Workspace | undefined, waited: string) => string,
): Promise<Polled> {
  const started = performance.now();
  deadline.resetPacing();
  let last: Workspace | undefined;
  let lastError: string | undefined;
  do {
    try {
      const res = await api.get(`/api/v2/workspaces/${id}`, Workspace);
      if (res.ok) {
        last = res.data;
        lastError = undefined;
        const verdict = settled(res.data);
        if (verdict.done)
          return verdict.detail ? { ok: false, detail: verdict.detail } : { ok: true, ws: res.data };
      } else if (res.status < 500 && res.status !== 429) {
        return { ok: false, detail: coderFailureText(res.error) };
      } else {
        lastError = `${res.status}: ${coderFailureText(res.error)}`;
      }
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      lastError = describeFailure(err);
    }
  } while (await deadline.wait());
  if (deadline.aborted) return { ok: false, detail: 'aborted' };
  const waited = seconds(performance.now() - started);
  return {
    ok: false,
    detail: `${stillWaiting(last, waited)}${lastError ? ` (last error: ${lastError})` : ''}`,
  };
}

function pendingDetail(build: WorkspaceBuild): string {
  const job = build.job;
  const queue = job.queue_size > 0 ? `queue position ${job.queue_position} of ${job.queue_size}` : 'queued';
  const matched = build.matched_provisioners;
  const none =
    matched && matched.available === 0
      ? `; no provisioner daemon is available to run it (${matched.count} matched)`
      : '';
  return `job pending, ${queue}${none}`;
}

/** Waits for the latest build to finish; a failed or canceled job is Coder's failure text. */
export function awaitBuild(api: CoderClient, id: string, deadline: Deadline): Promise<Polled> {
  return pollWorkspace(
    api,
    id,
    deadline,
    (ws) => {
      const job = ws.latest_build.job;
      if (job.status === 'succeeded') return { done: true };
      if (job.status === 'failed')
        return { done: true, detail: `build failed: ${job.error || 'no error given'}` };
      if (job.status === 'canceled' || job.status === 'canceling')
        return { done: true, detail: `build ${job.status}` };
      return { done: false };
    },
    (ws, waited) => {
      const after = `build not finished after ${waited}`;
      if (!ws) return after;
      const build = ws.latest_build;
      return build.job.status === 'pending'
        ? `${after}: ${pendingDetail(build)}`
        : `${after}: job ${build.job.status}`;
    },
  );
}

const BROKEN_LIFECYCLES = new Set([
  'start_error',
  'start_timeout',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
]);

/** Waits for the build's first agent to be connected with its startup scripts done (`ready`). */
export function awaitAgent(api: CoderClient, id: string, deadline: Deadline): Promise<Polled> {
  const agentOf = (ws: Workspace) => ws.latest_build.resources.flatMap((r) => r.agents ?? [])[0];
  return pollWorkspace(
    api,
    id,
    deadline,
    (ws) => {
      const agent = agentOf(ws);
      if (!agent) return { done: true, detail: 'the build has no workspace agent' };
      if (agent.status === 'connected' && agent.lifecycle_state === 'ready') return { done: true };
      if (BROKEN_LIFECYCLES.has(agent.lifecycle_state))
        return {
          done: true,
          detail: `${agent.health?.reason ?? 'agent did not start'} (lifecycle ${agent.lifecycle_state})`,
        };
      return { done: false };
    },
    (ws, waited) => {
      const agent = ws ? agentOf(ws) : undefined;
      const state = agent ? `: status ${agent.status}, lifecycle ${agent.lifecycle_state}` : '';
      const reason = agent?.health?.reason ? ` (${agent.health.reason})` : '';
      return `agent not ready after ${waited}${state}${reason}`;
    },
  );
}
