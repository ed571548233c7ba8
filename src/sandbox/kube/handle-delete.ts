import { readBody } from '../shared/http.js';
import { ownerDeleted } from './garbage-collector.js';
import { isDryRun } from './persist.js';
import type { RequestContext } from './request-context.js';
import { resourceKey } from './resources.js';
import { sendObject } from './respond.js';
import { badRequest, methodNotAllowed, notFound } from './status-errors.js';
import { terminatePod } from './terminate-pod.js';
import type { KubeObject, Pod } from './types.js';

/** DeleteOptions.propagationPolicy from the body (kubectl) or the query (curl). */
async function propagationPolicy(ctx: RequestContext): Promise<string> {
  const body = (await readBody(ctx.req)).toString('utf8').trim();
  let fromBody: string | undefined;
  if (body) {
    try {
      fromBody = (JSON.parse(body) as { propagationPolicy?: string }).propagationPolicy;
    } catch (err) {
      throw badRequest(
        `DeleteOptions in version "v1" cannot be handled as a DeleteOptions: ${(err as Error).message}`,
      );
    }
  }
  const policy = fromBody ?? ctx.query.get('propagationPolicy') ?? 'Background';
  if (!['Background', 'Foreground', 'Orphan'].includes(policy))
    throw badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  return policy;
}

/** An Orphan delete leaves the dependents behind, without the owner reference. */
function orphanDependents(ctx: RequestContext, owner: KubeObject): void {
  for (const rs of ctx.sim.store.peek('replicasets.apps', owner.metadata.namespace)) {
    if (!rs.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid)) continue;
    ctx.sim.store.mutate('replicasets.apps', rs.metadata.namespace, rs.metadata.name, (r) => {
      r.metadata.ownerReferences = r.metadata.ownerReferences?.filter((o) => o.uid !== owner.metadata.uid);
      if (r.metadata.ownerReferences?.length === 0) delete r.metadata.ownerReferences;
    });
  }
}

/**
 * DELETE of one object. A pod terminates gracefully and the answer is the pod (with its
 * deletionTimestamp); anything else goes at once and the answer is a Success Status. Dependents of a
 * Deployment go with it through the garbage collector (Background, and Foreground approximated as
 * Background) unless the policy is Orphan.
 */
export async function handleDelete(ctx: RequestContext): Promise<void> {
  const { route, sim } = ctx;
  const resource = resourceKey(route.def);
  if (route.name === undefined || route.subresource !== undefined || !route.def.verbs.includes('delete'))
    throw methodNotAllowed(route.def);
  const current = sim.store.get<KubeObject>(resource, route.namespace, route.name);
  if (!current) throw notFound(route.def, route.name);
  if (resource === 'pods') {
    const pod = current as Pod;
    sendObject(ctx.res, 200, isDryRun(ctx) ? pod : (terminatePod(sim, pod) ?? pod));
    return;
  }
  const policy = await propagationPolicy(ctx);
  if (!isDryRun(ctx)) {
    if (policy === 'Orphan') orphanDependents(ctx, current);
    else ownerDeleted(sim, current.metadata.uid);
    sim.store.delete(resource, route.namespace, route.name);
    sim.kick();
  }
  sendObject(ctx.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: route.name,
      ...(route.def.group ? { group: route.def.group } : {}),
      kind: route.def.plural,
      uid: current.metadata.uid,
    },
  });
}
