import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Filter, matches } from './list-objects.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import { type ResourceDef, resourceKey } from './resources.js';
import { badRequest } from './status-errors.js';
import type { KubeObject } from './types.js';

export interface WatchOptions {
  resourceVersion: string | null;
  timeoutSeconds: number | null;
  bookmarks: boolean;
  /** Wraps each object before it is written (Table output for `kubectl get -w`). */
  render: (obj: KubeObject) => unknown;
}

const BOOKMARK_MS = 30_000;

/**
 * A chunked watch stream of `{type, object}` lines. A field/label filter turns an object that stops
 * matching into DELETED and one that starts matching into ADDED, as the watch cache does.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  def: ResourceDef,
  filter: Filter,
  opts: WatchOptions,
): void {
  const resource = resourceKey(def);
  const rvParam = opts.resourceVersion;
  const fromRv = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
  if (fromRv !== undefined && !Number.isFinite(fromRv))
    throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a valid integer`);
  res.writeHead(200, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  });
  // Clients block until the headers of a watch arrive, even when no event is due yet.
  res.flushHeaders();
  const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const send = (e: StoreEvent) => {
    if (e.resource !== resource) return;
    const now = matches(def, filter, e.object);
    const before = e.previous ? matches(def, filter, e.previous) : false;
    if (e.type === 'ADDED' && now) write('ADDED', opts.render(e.object));
    else if (e.type === 'DELETED' && before) write('DELETED', opts.render(e.object));
    else if (e.type === 'MODIFIED') {
      if (now && before) write('MODIFIED', opts.render(e.object));
      else if (now) write('ADDED', opts.render(e.object));
      else if (before) write('DELETED', opts.render(e.object));
    }
  };
  if (fromRv === undefined) {
    for (const { obj } of store.list(resource, filter.namespace))
      if (matches(def, filter, obj)) write('ADDED', opts.render(obj));
  } else {
    const past = store.eventsSince(fromRv);
    if (past === 'expired') {
      write('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${fromRv} (${store.oldestWatchable})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    for (const e of past) send(e);
  }
  const unsubscribe = store.subscribe(send);
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    unsubscribe();
    stopOnClear();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  if (opts.timeoutSeconds) timers.push(setTimeout(finish, opts.timeoutSeconds * 1000));
  if (opts.bookmarks) {
    const bm = setInterval(
      () =>
        write('BOOKMARK', {
          kind: def.kind,
          apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
          metadata: { resourceVersion: String(store.resourceVersion) },
        }),
      BOOKMARK_MS,
    );
    bm.unref();
    timers.push(bm);
  }
  const stopOnClear = store.onClear(() => finish());
  req.on('close', finish);
  res.on('close', finish);
}
