import { readBody } from '../shared/http.js';
import { isDryRun } from './persist.js';
import { conditionsOf, setCondition } from './pod-state.js';
import { decodeProtobuf, isProtobuf } from './protobuf-body.js';
import type { RequestContext } from './request-context.js';
import { sendObject } from './respond.js';
import { badRequest, KubeError, notFound } from './status-errors.js';
import { terminatePod } from './terminate-pod.js';
import type { Pod } from './types.js';

interface Eviction {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * POST pods/{name}/eviction (policy/v1 Eviction): with no PodDisruptionBudget in the way the pod is
 * marked DisruptionTarget and deleted gracefully; the answer is a 201 Success Status.
 */
export async function createEviction(ctx: RequestContext, name: string): Promise<void> {
  const { sim, route } = ctx;
  const body = await readBody(ctx.req);
  let eviction: Eviction;
  try {
    eviction = isProtobuf(ctx.req.headers['content-type'])
      ? decodeProtobuf(body, 'Eviction')
      : (JSON.parse(body.toString('utf8')) as Eviction);
  } catch (err) {
    if (err instanceof KubeError) throw err;
    throw badRequest(`Eviction in version "v1" cannot be handled as a Eviction: ${(err as Error).message}`);
  }
  const pod = sim.store.get<Pod>('pods', route.namespace, name);
  if (!pod) throw notFound(route.def, name);
  if (eviction.metadata?.name !== undefined && eviction.metadata.name !== name)
    throw badRequest('name in URL does not match name in Eviction object');
  if (!isDryRun(ctx) && !pod.metadata.deletionTimestamp) {
    const marked = sim.store.mutate<Pod>('pods', pod.metadata.namespace, name, (p) => {
      setCondition(
        conditionsOf(p),
        'DisruptionTarget',
        'True',
        sim.now(),
        'EvictionByEvictionAPI',
        'Eviction API: evicting',
      );
    });
    if (marked) terminatePod(sim, { ...marked } as Pod);
  }
  sendObject(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
