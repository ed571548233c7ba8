import { humanDuration } from './human-duration.js';
import type { Pod } from './types.js';

/** The STATUS column as the API server's pod printer computes it. */
export function podStatusText(pod: Pod): string {
  let reason: string = pod.status.reason ?? pod.status.phase;
  let hasRunning = false;
  const statuses = [...(pod.status.containerStatuses ?? [])].reverse();
  for (const cs of statuses) {
    if (cs.state.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state.terminated?.reason) reason = cs.state.terminated.reason;
    else if (cs.state.terminated) reason = `ExitCode:${cs.state.terminated.exitCode}`;
    else if (cs.ready && cs.state.running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

export function podReadyText(pod: Pod): string {
  const statuses = pod.status.containerStatuses ?? [];
  const ready = statuses.filter((c) => c.ready).length;
  return `${ready}/${pod.spec.containers.length}`;
}

export function podRestartsText(pod: Pod, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const cs of pod.status.containerStatuses ?? []) {
    restarts += cs.restartCount;
    const finished = cs.lastState.terminated?.finishedAt;
    if (finished) last = Math.max(last, Date.parse(finished));
  }
  return last ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}
