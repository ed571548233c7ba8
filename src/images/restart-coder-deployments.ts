import { followRollout } from '../changes/scale/follow-rollout.js';
import type { ResolvedItem } from '../changes/scale/resolve-targets.js';
import { shortFailure } from '../errors/short-failure.js';
import type { Deployment, Environment, Image } from '../inventory/schema.js';
import type { VerifyResult } from '../plans/change-kind.js';
import type { Chat } from '../ports/chat.js';
import type { Clock } from '../ports/clock.js';
import type { Clusters, DeploymentState } from '../ports/clusters.js';
import type { ProgressPacer } from '../queue/create-progress-reporter.js';
import { code } from '../slack-text/code.js';
import { digestOfImageId } from './digest-of-image-id.js';
import { deploymentsOf } from './read-image-status.js';
import { shortDigest } from './short-digest.js';

export interface RestartOptions {
  clusters: Clusters;
  chat: Chat;
  clock: Clock;
  pacer: ProgressPacer;
  /** Per cluster, on `clock` (default 10 min). */
  deadlineMs?: number;
  pollMs?: number;
}

/** Pod reasons that stop the restart at once: they do not heal by waiting. */
const FAIL_FAST = ['ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff', 'InvalidImageName'];

/** The Coder deployments an image sync restarts: the server and the proxies (provisioners pull on their own). */
export function restartTargets(env: Environment, image: Image): Deployment[] {
  const coder = deploymentsOf(env, image).filter((d) => d.kind === 'coder-server' || d.kind === 'proxy');
  const clusters = [...new Set(coder.map((d) => d.cluster))];
  // Control plane first: proxies register with it, and a proxy newer than its control plane is the failure to avoid.
  const rank = (cluster: string) =>
    coder.some((d) => d.cluster === cluster && d.kind === 'coder-server') ? 0 : 1;
  clusters.sort((a, b) => rank(a) - rank(b));
  return clusters.flatMap((c) => coder.filter((d) => d.cluster === c));
}

/** As `kubectl rollout status` judges it: the controller saw the new template and only new pods are left, all ready. */
function restarted(state: DeploymentState): boolean {
  return (
    (state.observedGeneration ?? 0) >= (state.generation ?? 0) &&
    state.updated === state.desired &&
    (state.total ?? state.updated) === state.updated &&
    state.ready === state.desired &&
    state.available === state.desired
  );
}

/**
 * `kubectl rollout restart` of the Coder deployments cluster by cluster (control plane first), each cluster
 * waited for and checked by the digest its pods really run (`imageID`) before the next one starts. Stops at
 * the first failure with the reason. A deployment already running `accept` entirely is left alone, so a
 * resumed apply does not restart twice.
 */
export async function restartCoderDeployments(
  opts: RestartOptions,
  targets: Deployment[],
  accept: string[],
  where: { channel: string; threadTs?: string },
  signal?: AbortSignal,
): Promise<VerifyResult> {
  const byCluster = new Map<string, Deployment[]>();
  for (const d of targets) byCluster.set(d.cluster, [...(byCluster.get(d.cluster) ?? []), d]);
  const done: string[] = [];
  const clusters = [...byCluster.keys()];
  for (const [i, cluster] of clusters.entries()) {
    const left = clusters.slice(i + 1);
    const items: ResolvedItem[] = [];
    try {
      for (const d of byCluster.get(cluster)!) {
        const client = opts.clusters.client(d.cluster);
        const state = await client.getDeployment(d.namespace, d.name);
        if (!state) return stopped(cluster, `${code(d.target)}: deployment not found`, done, left);
        const running = await runningDigests(opts.clusters, d, state.selector);
        if (restarted(state) && running.length > 0 && running.every((x) => accept.includes(x))) continue;
        await client.restartDeployment(d.namespace, d.name, kubectlTime(opts.clock.now()));
        items.push({ deployment: d, replicas: state.desired });
      }
    } catch (err) {
      return stopped(cluster, shortFailure(err), done, left);
    }
    if (items.length) {
      const rollout = await followRollout(
        {
          clusters: opts.clusters,
          chat: opts.chat,
          clock: opts.clock,
          pacer: opts.pacer,
          deadlineMs: opts.deadlineMs ?? 10 * 60_000,
          pollMs: opts.pollMs ?? 500,
          done: (state) => restarted(state),
          failFast: FAIL_FAST,
          ...(signal ? { signal } : {}),
        },
        items,
        where,
      );
      if (!rollout.ok) return stopped(cluster, rollout.detail, done, left);
    }
    for (const d of byCluster.get(cluster)!) {
      const state = await opts.clusters.client(d.cluster).getDeployment(d.namespace, d.name);
      const running = state ? await runningDigests(opts.clusters, d, state.selector) : [];
      const wrong = running.filter((x) => !accept.includes(x));
      if (wrong.length || running.length === 0)
        return stopped(
          cluster,
          `${code(d.target)} runs ${running.map(shortDigest).join(', ') || 'no pods'}, not ${shortDigest(accept[0] ?? '')} — its nodes may have kept the old build under the same tag (imagePullPolicy IfNotPresent)`,
          done,
          left,
        );
    }
    done.push(cluster);
  }
  return {
    ok: true,
    detail: `${targets.map((d) => code(d.target)).join(', ')} restarted cluster by cluster (${clusters.join(' → ')}); all run ${shortDigest(accept[0] ?? '')}.`,
  };
}

function stopped(cluster: string, why: string, done: string[], left: string[]): VerifyResult {
  const rest = left.length ? ` Not restarted: ${left.join(', ')}.` : '';
  const ok = done.length ? ` Restarted and on the new build: ${done.join(', ')}.` : '';
  return { ok: false, detail: `restart stopped in ${cluster}: ${why}.${ok}${rest}` };
}

/** RFC 3339 to the second, as kubectl writes `restartedAt`. */
function kubectlTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The distinct digests a deployment's running pods were pulled at (`imageID`). */
async function runningDigests(clusters: Clusters, d: Deployment, selector: string): Promise<string[]> {
  const found = await clusters.client(d.cluster).foldPods(
    { namespace: d.namespace, labelSelector: selector },
    () => new Set<string>(),
    (acc, page) => {
      for (const pod of page)
        if (pod.phase === 'Running')
          for (const c of pod.containers) {
            const digest = digestOfImageId(c.imageID);
            if (digest) acc.add(digest);
          }
      return acc;
    },
  );
  return [...found];
}
