import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Sample } from './workshop-samples.js';

/**
 * One sample of the figures the summary charts. Each figure is read on its own: one that cannot be read
 * is null (a gap in the chart), never a failed sample.
 */
export async function readSample(deps: JobDeps, env: Environment, at: number): Promise<Sample> {
  const coder = env.probes.find((p) => p.kind === 'coder' && !p.deployment?.startsWith('proxy'));
  const orgs = [
    ...new Set(env.deployments.filter((d) => d.kind === 'provisioner').map((d) => d.org ?? 'default')),
  ];
  const soft = <T>(p: Promise<T> | undefined) => (p ?? Promise.resolve(null)).catch(() => null);
  const [queues, workspaces, restarts] = await Promise.all([
    soft(
      coder && deps.workspaces
        ? Promise.all(orgs.map((o) => deps.workspaces!.provisionerQueue(coder, o)))
        : undefined,
    ),
    soft(coder && deps.workspaces ? deps.workspaces.workspaceCount(coder) : undefined),
    soft(countRestarts(deps, env)),
  ]);
  return {
    at,
    queueWaitMs: queues ? Math.max(0, ...queues.map((q) => q.oldestWaitMs)) : null,
    pendingJobs: queues ? queues.reduce((n, q) => n + q.pending, 0) : null,
    workspaces,
    restarts,
  };
}

/** Container restarts of Coder's, the proxies' and the provisioners' pods. */
async function countRestarts(deps: JobDeps, env: Environment): Promise<number> {
  const watched = env.deployments.filter((d) =>
    ['coder-server', 'proxy', 'provisioner', 'litellm'].includes(d.kind),
  );
  const counts = await Promise.all(
    watched.map(async (d) => {
      const client = deps.clusters.client(d.cluster);
      const live = await client.getDeployment(d.namespace, d.name);
      if (!live) return 0;
      const pods = await client.listPods(d.namespace, live.selector);
      return pods.reduce((n, p) => n + p.restarts, 0);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
