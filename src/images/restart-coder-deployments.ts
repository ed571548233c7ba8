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
import { deploymentsOf, restartsWithImage } from './read-image-status.js';
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
  const coder = deploymentsOf(env, image).filter(restartsWithImage);
  const clusters = [...new Set(coder.map((d) => d.cluster))];
  // Control plane first: proxies register with it, and a proxy newer than its control plane is the failure to avoid.
  const rank = (cluster: string) =>
    coder.some((d) => d.cluster === cluster && d.kind === 'coder-server') ? 0 : 1;
  clusters.sort((a, b) => rank(a) - rank(b));
  return clusters.flatMap((c) => coder.filter((d) => d.cluster === c));
}

/** As `kubectl rollout status` judges it: the controller saw the new template and only new pods are left, all ready. */
function rolledOut(state: DeploymentState): boolean {
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
 * resumed apply (or a restart-only plan) restarts only what is not on the build yet.
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
  const restarted: ResolvedItem[] = [];
  const clusters = [...byCluster.keys()];
  for (const [i, cluster] of clusters.entries()) {
    const left = clusters.slice(i + 1);
    const started = await startCluster(opts, byCluster.get(cluster)!, accept, signal);
    if ('error' in started) return stopped(cluster, started.error, done, left);
    if (started.items.length) {
      const rollout = await followRollout(
        {
          clusters: opts.clusters,
          chat: opts.chat,
          clock: opts.clock,
          pacer: opts.pacer,
          deadlineMs: opts.deadlineMs ?? 10 * 60_000,
          pollMs: opts.pollMs ?? 500,
          done: (state) => rolledOut(state),
          failFast: FAIL_FAST,
          ...(signal ? { signal } : {}),
        },
        started.items,
        where,
      );
      if (!rollout.ok) return stopped(cluster, rollout.detail, done, left);
    }
    const wrong = await checkCluster(opts.clusters, byCluster.get(cluster)!, accept, signal);
    if (wrong) return stopped(cluster, wrong, done, left);
    restarted.push(...started.items);
    done.push(cluster);
  }
  return { ok: true, detail: restartedText(targets, restarted, accept[0] ?? '') };
}

/** Says which deployments were restarted and which already ran the build (left alone). */
function restartedText(targets: Deployment[], restarted: ResolvedItem[], want: string): string {
  const kicked = restarted.map((r) => r.deployment);
  const names = (ds: Deployment[]) => ds.map((d) => code(d.target)).join(', ');
  const order = [...new Set(kicked.map((d) => d.cluster))].join(' → ');
  const skipped = targets.filter((d) => !kicked.includes(d));
  if (!kicked.length)
    return `${names(targets)} already ran it: nothing restarted; all run ${shortDigest(want)}.`;
  const already = skipped.length ? ` ${names(skipped)} already ran it (left alone);` : '';
  return `${names(kicked)} restarted cluster by cluster (${order});${already} all run ${shortDigest(want)}.`;
}

/** Restarts one cluster's deployments that are not on the build yet: the rollouts to follow, or why it stopped. */
async function startCluster(
  opts: RestartOptions,
  deployments: Deployment[],
  accept: string[],
  signal: AbortSignal | undefined,
): Promise<{ items: ResolvedItem[] } | { error: string }> {
  const call = signal ? { signal } : {};
  const items: ResolvedItem[] = [];
  try {
    for (const d of deployments) {
      const client = opts.clusters.client(d.cluster);
      const state = await client.getDeployment(d.namespace, d.name, call);
      if (!state) return { error: `${code(d.target)}: deployment not found` };
      const running = await runningDigests(opts.clusters, d, state.selector, signal);
      if (rolledOut(state) && onBuild(running, accept)) continue;
      await client.restartDeployment(d.namespace, d.name, kubectlTime(opts.clock.now()), call);
      items.push({ deployment: d, replicas: state.desired });
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    return { error: shortFailure(err) };
  }
  return { items };
}

/** After the rollout: every pod of the cluster's deployments must run the build, or the reason it does not. */
async function checkCluster(
  clusters: Clusters,
  deployments: Deployment[],
  accept: string[],
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  for (const d of deployments) {
    const state = await clusters
      .client(d.cluster)
      .getDeployment(d.namespace, d.name, signal ? { signal } : {});
    const running = state ? await runningDigests(clusters, d, state.selector, signal) : [];
    if (!onBuild(running, accept))
      return `${code(d.target)} runs ${running.map(shortDigest).join(', ') || 'no pods'}, not ${shortDigest(accept[0] ?? '')} — its nodes may have kept the old build under the same tag (imagePullPolicy IfNotPresent)`;
  }
  return undefined;
}

/**
 * The targets whose running pods are not all on the build (`accept`: the mirror's digest, or a platform of
 * it), in restart order; a deployment with no running pod or missing counts as not on it. What a restart
 * would still have to do, read while planning and applying.
 */
export async function targetsOffBuild(
  clusters: Clusters,
  targets: Deployment[],
  accept: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const on = await Promise.all(
    targets.map(async (d) => {
      const state = await clusters
        .client(d.cluster)
        .getDeployment(d.namespace, d.name, signal ? { signal } : {});
      return state ? onBuild(await runningDigests(clusters, d, state.selector, signal), accept) : false;
    }),
  );
  return targets.filter((_, i) => !on[i]).map((d) => d.target);
}

const onBuild = (running: string[], accept: string[]) =>
  running.length > 0 && running.every((x) => accept.includes(x));

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
async function runningDigests(
  clusters: Clusters,
  d: Deployment,
  selector: string,
  signal: AbortSignal | undefined,
): Promise<string[]> {
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
    signal ? { signal } : {},
  );
  return [...found];
}
