import { listEnvelope, listObjects, parseFilter } from './list-objects.js';
import { serveMetrics } from './metrics.js';
import { statsSummary } from './node-stats.js';
import { toPartial, toPartialList, wantsPartial } from './partial-metadata.js';
import type { RequestContext } from './request-context.js';
import { resourceKey } from './resources.js';
import { sendObject } from './respond.js';
import { toScale } from './scale.js';
import { methodNotAllowed, notFound } from './status-errors.js';
import { toTable, wantsTable } from './table.js';
import type { Deployment, KubeObject, NodeObject } from './types.js';
import { serveWatch } from './watch-stream.js';

function isWatch(ctx: RequestContext): boolean {
  const w = ctx.query.get('watch');
  return ctx.route.watchPath || w === 'true' || w === '1';
}

function listOrWatch(ctx: RequestContext): void {
  const { sim, route, query, req, res } = ctx;
  const filter = parseFilter(route.def, route.namespace, query);
  const accept = req.headers.accept;
  const table = wantsTable(accept);
  const now = sim.clock.now();
  const includeObject = query.get('includeObject');
  if (isWatch(ctx)) {
    const partial = wantsPartial(accept, 'PartialObjectMetadata');
    serveWatch(req, res, sim.store, route.def, filter, {
      resourceVersion: query.get('resourceVersion'),
      timeoutSeconds: query.get('timeoutSeconds') ? Number(query.get('timeoutSeconds')) : null,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
      render: table
        ? (o) => toTable(resourceKey(route.def), [o], sim.clock.now(), {}, includeObject)
        : partial
          ? toPartial
          : (o) => o,
    });
    return;
  }
  const result = listObjects(sim.store, route.def, filter, query);
  if (table)
    sendObject(res, 200, toTable(resourceKey(route.def), result.items, now, result.metadata, includeObject));
  else if (wantsPartial(accept, 'PartialObjectMetadataList'))
    sendObject(res, 200, toPartialList(result.items, result.metadata));
  else sendObject(res, 200, listEnvelope(route.def, result));
}

function getOne(ctx: RequestContext, name: string): void {
  const { sim, route, req, res, query } = ctx;
  const obj = sim.store.get<KubeObject>(resourceKey(route.def), route.namespace, name);
  if (!obj) throw notFound(route.def, name);
  const sub = route.subresource;
  if (sub === undefined && wantsPartial(req.headers.accept, 'PartialObjectMetadata')) {
    sendObject(res, 200, toPartial(obj));
    return;
  }
  if (sub === undefined || sub === 'status') {
    if (wantsTable(req.headers.accept) && sub === undefined)
      sendObject(
        res,
        200,
        toTable(
          resourceKey(route.def),
          [obj],
          sim.clock.now(),
          { resourceVersion: obj.metadata.resourceVersion },
          query.get('includeObject'),
        ),
      );
    else sendObject(res, 200, obj);
    return;
  }
  if (sub === 'scale' && resourceKey(route.def) === 'deployments.apps') {
    sendObject(res, 200, toScale(obj as Deployment));
    return;
  }
  if (sub === 'proxy' && route.def.plural === 'nodes') {
    const path = route.rest ?? '';
    if (path === 'stats/summary') sendObject(res, 200, statsSummary(sim, obj as NodeObject));
    else if (path === 'healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('ok');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    }
    return;
  }
  throw methodNotAllowed(route.def);
}

/** GET on a resource path: list, watch, get, or a readable subresource. */
export function handleRead(ctx: RequestContext): void {
  const { route } = ctx;
  if (route.def.virtual) {
    serveMetrics(ctx);
    return;
  }
  if (route.name === undefined) {
    if (!route.def.verbs.includes('list')) throw methodNotAllowed(route.def);
    listOrWatch(ctx);
    return;
  }
  getOne(ctx, route.name);
}
