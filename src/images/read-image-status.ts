import { shortFailure } from '../errors/short-failure.js';
import { TransientError } from '../errors/transient-error.js';
import type { Deployment, Environment, Image } from '../inventory/schema.js';
import type { Clusters } from '../ports/clusters.js';
import type { MirrorImage, MirrorRef, PullThroughRule, Registry } from '../ports/registry.js';
import { digestOfImageId } from './digest-of-image-id.js';
import type { DeploymentDigests, ImageStatus } from './image-status.js';
import { judgeDeployment, judgeImage } from './judge-image.js';
import { pullThroughOf } from './pull-through-of.js';

export interface ImageStatusDeps {
  registry: Registry;
  clusters: Clusters;
}

export interface ImageStatusOptions {
  /** Each read's deadline (`/ops status`): one that passes it is that cell's "unreachable (timeout)". */
  timeoutMs?: number;
  /** Cancels the reads still running (a job's signal, or the report made without them). */
  signal?: AbortSignal;
  /** Told every failed read with what was thrown (the cell shows only its class: "details in the logs"). */
  onError?: (err: unknown) => void;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: string };
type Read = <T>(p: Promise<T>) => Promise<Settled<T>>;

/** Deployments whose running digest matters for an image: provisioners pull on their own schedule, so not them. */
export function deploymentsOf(env: Environment, image: Image): Deployment[] {
  return env.deployments.filter((d) => d.image === image.id && d.kind !== 'provisioner');
}

/** The Coder server and its proxies: what `/images sync --restart` rolls onto the mirror's build. */
export const restartsWithImage = (d: Deployment): boolean => d.kind === 'coder-server' || d.kind === 'proxy';

/** Reads every inventory image of `env` in parallel: a failing read becomes that cell's reason, never the whole answer. */
export function readImageStatus(
  deps: ImageStatusDeps,
  env: Environment,
  opts: ImageStatusOptions = {},
): Promise<ImageStatus[]> {
  const read: Read = (p) => settle(p, opts.timeoutMs, opts.onError);
  const call = opts.signal ? { signal: opts.signal } : {};
  // One DescribePullThroughCacheRules per registry (account and region), however many images it mirrors.
  const rules = new Map<string, Promise<Settled<PullThroughRule[]>>>();
  const rulesOf = (mirror: MirrorRef) => {
    const key = `${mirror.region}/${mirror.registry}`;
    if (!rules.has(key)) rules.set(key, read(deps.registry.pullThroughRules(mirror, call)));
    return rules.get(key)!;
  };
  return Promise.all(env.images.map((image) => readOne({ ...deps, call, read, rulesOf }, env, image)));
}

interface ReadContext extends ImageStatusDeps {
  call: { signal?: AbortSignal };
  read: Read;
  rulesOf: (mirror: MirrorRef) => Promise<Settled<PullThroughRule[]>>;
}

async function readOne(ctx: ReadContext, env: Environment, image: Image): Promise<ImageStatus> {
  const { registry, read, call } = ctx;
  const deployments = deploymentsOf(env, image);
  const [source, mirror, history, rules, running] = await Promise.all([
    read(registry.sourceImage(image.source, image.tag, call)),
    image.mirror ? read(registry.mirrorImage(image.mirror, image.tag, call)) : undefined,
    // Older builds only matter to judge what deployments run: workspace images have none to judge.
    image.mirror && deployments.length ? read(registry.mirrorHistory(image.mirror, call)) : undefined,
    image.mirror ? ctx.rulesOf(image.mirror) : undefined,
    Promise.all(deployments.map((d) => runningDigests(ctx, d))),
  ]);
  const input = {
    ...(source.ok && source.value ? { source: source.value } : {}),
    ...(mirror?.ok ? { mirror: mirror.value ?? null } : {}),
    hasMirror: Boolean(image.mirror),
    history: history?.ok ? history.value : ([] as MirrorImage[]),
  };
  const judged = running.map((r) =>
    r.error ? r : { ...r, state: judgeDeployment(input, Object.keys(r.digests)) },
  );
  const cache = rules?.ok && image.mirror ? pullThroughOf(rules.value, image.mirror.repository) : undefined;
  return {
    image,
    ...input,
    ...(source.ok
      ? source.value
        ? {}
        : { sourceError: `tag ${image.tag} not found` }
      : { sourceError: source.error }),
    ...(mirror && !mirror.ok ? { mirrorError: mirror.error } : {}),
    ...(cache ? { cache } : {}),
    ...(rules && !rules.ok ? { cacheError: rules.error } : {}),
    deployments: judged,
    verdicts: judgeImage(input, judged),
  };
}

/** Pods' `status.containerStatuses[].imageID` (what the kubelet pulled), counted per digest. */
async function runningDigests(ctx: ReadContext, d: Deployment): Promise<DeploymentDigests> {
  const base = {
    target: d.target,
    cluster: d.cluster,
    digests: {} as Record<string, number>,
    ...(restartsWithImage(d) ? { restartable: true } : {}),
  };
  const result = await ctx.read(
    (async () => {
      const client = ctx.clusters.client(d.cluster);
      const live = await client.getDeployment(d.namespace, d.name, ctx.call);
      if (!live) return undefined;
      return client.foldPods(
        { namespace: d.namespace, labelSelector: live.selector },
        () => ({}) as Record<string, number>,
        (acc, page) => {
          for (const pod of page)
            if (pod.phase === 'Running' || pod.phase === 'Pending')
              for (const c of pod.containers) {
                const digest = digestOfImageId(c.imageID);
                if (digest) acc[digest] = (acc[digest] ?? 0) + 1;
              }
          return acc;
        },
        ctx.call,
      );
    })(),
  );
  if (!result.ok) return { ...base, state: 'unreadable', error: result.error };
  if (!result.value) return { ...base, state: 'unreadable', error: 'deployment not found' };
  return { ...base, digests: result.value, state: 'ok' };
}

/** A read's value, or its failure as a short class-based reason; with a deadline, a timeout is one. */
async function settle<T>(
  p: Promise<T>,
  timeoutMs: number | undefined,
  onError: ((err: unknown) => void) | undefined,
): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline =
    timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new TransientError(`no answer within ${timeoutMs} ms`, { kind: 'timeout' })),
            timeoutMs,
          );
        });
  try {
    return { ok: true, value: await (deadline ? Promise.race([p, deadline]) : p) };
  } catch (err) {
    onError?.(err);
    return { ok: false, error: shortFailure(err) };
  } finally {
    clearTimeout(timer);
  }
}
