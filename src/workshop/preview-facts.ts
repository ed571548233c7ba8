import { PauseStore } from '../changes/rotation/pause-store.js';
import { nextRotationWindow } from '../changes/rotation/rotation-window.js';
import { findTarget } from '../changes/scale/resolve-targets.js';
import { shortFailure } from '../errors/short-failure.js';
import { parseQuantity } from '../inventory/parse-quantity.js';
import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { slackTime } from '../plans/render-plan.js';
import { liveReplicas } from './live-replicas.js';
import { expiryLines, readExpiries } from './read-expiries.js';
import type { PreviewFacts } from './render-workshop.js';
import type { CapacityPlan } from './workshop-capacity.js';

export interface PreviewInput {
  env: Environment;
  capacity: CapacityPlan;
  start: number;
  end: number;
  /** When rotation must stay paused until (the wind-down). */
  pauseUntil: number;
}

/**
 * Prep's immediate checks, all at once (so prep takes about as long as the slowest): replicas and cluster
 * headroom after scaling, rotation windows inside the workshop, credentials expiring before it ends. A read
 * that fails becomes its line's "unknown", never a failed prep. `timings` says how long each took (bench).
 */
export async function previewFacts(
  deps: JobDeps,
  input: PreviewInput,
): Promise<{ facts: PreviewFacts; timings: Record<string, number> }> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = performance.now() - t0;
    }
  };
  const [capacity, rotation, credentials] = await Promise.all([
    timed('capacity', () => capacityLines(deps, input)),
    timed('rotation', () => rotationLines(deps, input)),
    timed('credentials', async () => expiryLines(await readExpiries(deps, input.env), input.end).lines),
  ]);
  return { facts: { capacity, rotation, credentials, notes: [...input.capacity.notes] }, timings };
}

async function capacityLines(deps: JobDeps, { env, capacity }: PreviewInput): Promise<string[]> {
  if (!capacity.targets.length) return ['no capacity table in the inventory: nothing will be scaled'];
  let live: Awaited<ReturnType<typeof liveReplicas>>;
  try {
    live = await liveReplicas(deps.clusters, env, capacity.targets);
  } catch (err) {
    return [
      `❔ replicas unknown (${shortFailure(err)})`,
      ...capacity.targets.map((t) => `• \`${t.target}\` → ${t.replicas}`),
    ];
  }
  const lines = capacity.targets.map((t) => {
    const now = live.get(t.target)?.desired ?? 0;
    const change = now >= t.replicas ? `already ${now}` : `${now} → ${t.replicas}`;
    return `• \`${t.target}\`: ${change} (tier headroom ${capacity.headroom[t.target] ?? 0}%)`;
  });
  return [...lines, ...(await clusterHeadroom(deps, env, capacity, live))];
}

/** CPU each cluster would have left once the extra replicas run, against the inventory's minimum headroom. */
async function clusterHeadroom(
  deps: JobDeps,
  env: Environment,
  capacity: CapacityPlan,
  live: Map<string, { desired: number }>,
): Promise<string[]> {
  const extra = new Map<string, number>();
  for (const t of capacity.targets) {
    const d = findTarget(env, t.target);
    const more = Math.max(0, t.replicas - (live.get(t.target)?.desired ?? 0));
    extra.set(d.cluster, (extra.get(d.cluster) ?? 0) + more * parseQuantity(d.resources.cpu));
  }
  const min = env.thresholds.capacityHeadroomMinPercent;
  return Promise.all(
    [...extra].map(async ([cluster, cpu]) => {
      try {
        const c = await deps.clusters.client(cluster).capacity();
        if (c.cpuAllocatable <= 0) return `❔ ${cluster}: no schedulable CPU reported`;
        const left = Math.round(((c.cpuAllocatable - c.cpuRequested - cpu) / c.cpuAllocatable) * 100);
        const icon = left < min ? '⚠️' : '✅';
        const advice =
          left < min ? ` (below the ${min}% minimum: expect Karpenter to add nodes, or add them)` : '';
        return `${icon} ${cluster}: ${left}% of CPU free after scaling (+${cpu.toFixed(1)} cores)${advice}`;
      } catch (err) {
        return `❔ ${cluster}: headroom unknown (${shortFailure(err)})`;
      }
    }),
  );
}

async function rotationLines(deps: JobDeps, { env, start, pauseUntil }: PreviewInput): Promise<string[]> {
  if (!env.rotation) return [];
  try {
    const pause = await new PauseStore(deps.redis, deps.prefix).get(env.name);
    if (pause && pause.until >= pauseUntil)
      return [`✅ paused until ${slackTime(pause.until)}: covers the workshop`];
    const d = findTarget(env, env.rotation.deployment);
    const last = await deps.clusters
      .client(d.cluster)
      .secretUpdatedAt(env.rotation.secret.namespace, env.rotation.secret.name);
    const window = nextRotationWindow(env, last);
    const plan = `a pause until ${slackTime(pauseUntil)} is planned an hour before the start`;
    if (!window) return [`🕒 last rotation unknown; ${plan}`];
    // Rotations repeat every interval: list the ones falling between now and the end of the pause.
    const step = env.rotation.intervalHours.min * 3_600_000;
    const inside: number[] = [];
    for (let at = window.from; at < pauseUntil && inside.length < 5; at += step)
      if (at >= start - 3_600_000) inside.push(at);
    if (!inside.length) return [`✅ no rotation expected during the workshop; ${plan} anyway`];
    return [
      `⚠️ rotation expected ${inside.map((t) => slackTime(t)).join(', ')}: inside the workshop; ${plan}`,
    ];
  } catch (err) {
    return [`❔ rotation schedule unknown (${shortFailure(err)})`];
  }
}
