import type { RequestContext } from './request-context.js';
import { sendObject } from './respond.js';
import { methodNotAllowed, notFound } from './status-errors.js';
import { terminatePod } from './terminate-pod.js';
import type { Pod } from './types.js';

/** DELETE of a pod: graceful (Terminating first); the response is the pod with its deletionTimestamp. */
export function handleDelete(ctx: RequestContext): void {
  const { route, sim } = ctx;
  if (
    route.def.plural !== 'pods' ||
    route.def.group !== '' ||
    route.name === undefined ||
    route.subresource !== undefined
  )
    throw methodNotAllowed(route.def);
  const pod = sim.store.get<Pod>('pods', route.namespace, route.name);
  if (!pod) throw notFound(route.def, route.name);
  if (ctx.query.getAll('dryRun').includes('All')) {
    sendObject(ctx.res, 200, pod);
    return;
  }
  sendObject(ctx.res, 200, terminatePod(sim, pod) ?? pod);
}
