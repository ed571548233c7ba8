import { TransientError } from '../../errors/transient-error.js';
import type { CoderClient } from './coder-client.js';
import { coderFailureText } from './coder-failure-text.js';
import { CoderResponse, Workspace, WorkspaceBuild } from './coder-schemas.js';
import type { Deadline } from './deadline.js';
import { describeFailure } from './describe-failure.js';

const ACTIVE = new Set(['pending', 'running', 'canceling']);

type Next = { done: true; detail?: string } | { done: false; note: string };

/** One look at the workspace and the one request that moves its deletion along. */
async function step(api: CoderClient, id: string): Promise<Next> {
  const res = await api.get(`/api/v2/workspaces/${id}`, Workspace);
  // 410: deleted (coderd keeps the row); 404: never there or already purged.
  if (!res.ok && (res.status === 410 || res.status === 404)) return { done: true };
  if (!res.ok) return { done: false, note: `${res.status}: ${coderFailureText(res.error)}` };
  const build = res.data.latest_build;
  const job = build.job;
  if (build.transition === 'delete') {
    if (job.status === 'failed')
      return { done: true, detail: `delete failed: ${job.error || 'no error given'}` };
    if (job.status === 'succeeded') return { done: true };
    if (ACTIVE.has(job.status)) return { done: false, note: `delete build ${job.status}` };
  } else if (ACTIVE.has(job.status)) {
    // coderd refuses a new build while one is active: cancel it first (a pending one stops at once).
    if (job.status !== 'canceling')
      await api.send('PATCH', `/api/v2/workspacebuilds/${build.id}/cancel`, undefined, CoderResponse);
    return { done: false, note: `${build.transition} build ${job.status}, canceling it` };
  }
  // A start that never reached a provisioner created nothing: orphan-delete it, which coderd
  // completes by itself when no provisioner is available (the provisioners-at-0 case).
  const orphan = build.transition === 'start' && !job.started_at;
  const posted = await api.send(
    'POST',
    `/api/v2/workspaces/${id}/builds`,
    { transition: 'delete', ...(orphan ? { orphan: true } : {}) },
    WorkspaceBuild,
  );
  if (posted.ok || posted.status === 409) return { done: false, note: 'delete build started' };
  if (posted.status >= 500 || posted.status === 429)
    return { done: false, note: `${posted.status}: ${coderFailureText(posted.error)}` };
  return { done: true, detail: `delete refused: ${coderFailureText(posted.error)}` };
}

/**
 * Deletes a workspace the smoke test created, whatever state it is in: cancels an active build,
 * posts the delete build, waits until coderd reports the workspace gone. Returns the failure
 * detail, or undefined once it is gone. Best effort within its own deadline.
 */
export async function deleteWorkspace(
  api: CoderClient,
  ws: { id: string; name: string },
  deadline: Deadline,
): Promise<string | undefined> {
  let note = 'not looked at yet';
  do {
    try {
      const next = await step(api, ws.id);
      if (next.done) return next.detail;
      note = next.note;
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      note = describeFailure(err);
    }
  } while (await deadline.wait());
  const waited = (deadline.budgetMs / 1000).toFixed(deadline.budgetMs < 10_000 ? 1 : 0);
  return `workspace ${ws.name} still exists after ${waited} s (${note}); delete it in Coder`;
}
