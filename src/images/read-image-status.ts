import { shortFailure } from '../errors/short-failure.js';
import type { Deployment, Environment, Image } from '../inventory/schema.js';
import type { Clusters } from '../ports/clusters.js';
import type { MirrorImage, Registry } from '../ports/registry.js';
import { digestOfImageId } from './digest-of-image-id.js';
import type { DeploymentDigests, ImageStatus } from './image-status.js';
import { judgeDeployment, judgeImage } from './judge-image.js';

export interface ImageStatusDeps {
  registry: Registry;
  clusters: Clusters;
}

/** Deployments whose running digest matters for an image: provisioners pull on their own schedule, so not them. */
export function deploymentsOf(env: Environment, image: Image): Deployment[] {
  return env.deployments.filter((d) => d.image === image.id && d.kind !== 'provisioner');
}

/** Reads every inventory image of `env` in parallel: a failing read becomes that cell's reason, never the whole answer. */
export function readImageStatus(deps: ImageStatusDeps, env: Environment): Promise<ImageStatus[]> {
  return Promise.all(env.images.map((image) => readOne(deps, env, image)));
}

async function readOne(deps: ImageStatusDeps, env: Environment, image: Image): Promise<ImageStatus> {
  const [source, mirror, history, running] = await Promise.all([
    settle(deps.registry.sourceImage(image.source, image.tag)),
    image.mirror ? settle(deps.registry.mirrorImage(image.mirror, image.tag)) : undefined,
    image.mirror ? settle(deps.registry.mirrorHistory(image.mirror)) : undefined,
    Promise.all(deploymentsOf(env, image).map((d) => runningDigests(deps.clusters, d))),
  ]);
  const input = {
    ...(source.ok && source.value ? { source: source.value } : {}),
    ...(mirror?.ok ? { mirror: mirror.value ?? null } : {}),
    hasMirror: Boolean(image.mirror),
    history: history?.ok ? history.value : ([] as MirrorImage[]),
  };
  const deployments = running.map((r) =>
    r.error ? r : { ...r, state: judgeDeployment(input, Object.keys(r.digests)) },
  );
  return {
    image,
    ...input,
    ...(source.ok
      ? source.value
        ? {}
        : { sourceError: `tag ${image.tag} not found` }
      : { sourceError: source.error }),
    ...(mirror && !mirror.ok ? { mirrorError: mirror.error } : {}),
    deployments,
    verdicts: judgeImage(input, deployments),
  };
}

/** Pods' `status.containerStatuses[].imageID` (what the kubelet pulled), counted per digest. */
async function runningDigests(clusters: Clusters, d: Deployment): Promise<DeploymentDigests> {
  const base = { target: d.target, cluster: d.cluster, digests: {} as Record<string, number> };
  try {
    const client = clusters.client(d.cluster);
    const live = await client.getDeployment(d.namespace, d.name);
    if (!live) return { ...base, state: 'unreadable', error: 'deployment not found' };
    const digests = await client.foldPods(
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
    );
    return { ...base, digests, state: 'ok' };
  } catch (err) {
    return { ...base, state: 'unreadable', error: shortFailure(err) };
  }
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, error: shortFailure(err) };
  }
}
