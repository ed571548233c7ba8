import type { Deployment } from '../../inventory/schema.js';
import type { CallOptions } from '../../ports/call-options.js';
import type { ClusterClient, EventState, PodState } from '../../ports/clusters.js';
import { untrusted } from '../../slack-text/untrusted.js';

const FIXES: Record<string, string> = {
  Unschedulable:
    'the nodes have no room: free capacity, or let Karpenter add nodes (check its NodePool limits)',
  ImagePullBackOff:
    'the image cannot be pulled: check the tag exists and the node role may pull from the registry',
  ErrImagePull:
    'the image cannot be pulled: check the tag exists and the node role may pull from the registry',
  CrashLoopBackOff: 'the container keeps exiting: read its logs (`kubectl logs --previous`)',
};

/** Why a deployment's pods are not ready, from pod status and their Warning events; one line per cause. */
export async function diagnoseRollout(
  client: ClusterClient,
  d: Deployment,
  selector: string,
  opts: CallOptions = {},
): Promise<string[]> {
  const [pods, events] = await Promise.all([
    client.listPods(d.namespace, selector, opts),
    client.listEvents(d.namespace, opts).catch((): EventState[] => []),
  ]);
  const stuck = pods.filter((p) => !p.ready);
  if (stuck.length === 0) return [];
  const causes = new Map<string, PodState[]>();
  for (const pod of stuck) {
    const cause = causeOf(pod);
    causes.set(cause, [...(causes.get(cause) ?? []), pod]);
  }
  return [...causes].map(([cause, group]) => {
    const names = new Set(group.map((p) => `Pod/${p.name}`));
    const warning = events.find((e) => e.type === 'Warning' && names.has(e.object));
    const detail = cause === 'Unschedulable' ? group[0]?.unschedulable : warning?.message;
    const fix = FIXES[cause] ? `; ${FIXES[cause]}` : '';
    // Event messages and reasons are written by whoever may create Events (any controller, a probe's output).
    const evidence = detail
      ? ` — ${untrusted(detail)}`
      : warning
        ? ` — ${untrusted(`${warning.reason}: ${warning.message}`)}`
        : '';
    return `${group.length} pod(s) ${label(cause, group[0]!)}${evidence}${fix}`;
  });
}

function causeOf(pod: PodState): string {
  if (pod.unschedulable !== undefined) return 'Unschedulable';
  const known = pod.reasons.find((r) => r in FIXES);
  return known ?? pod.reasons[0] ?? pod.phase;
}

function label(cause: string, pod: PodState): string {
  if (cause === 'Unschedulable') return 'Pending (cannot be scheduled)';
  if (cause === pod.phase) return `${untrusted(pod.phase)}, not ready`;
  return `in ${untrusted(cause)}`;
}
