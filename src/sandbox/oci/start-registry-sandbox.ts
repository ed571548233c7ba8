import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';
import { applyFault, sendJson, serve } from '../shared/http.js';
import { handleBlob, handleUpload } from './blob-routes.js';
import { handleManifest } from './manifest-routes.js';
import { RegistryAuth, type RegistryAuthConfig } from './registry-auth.js';
import type { RegistryContext, UploadTraffic } from './registry-context.js';
import { faultBody, RegistryError, sendRegistryError } from './registry-errors.js';
import type { RegistryStore } from './registry-store.js';
import { handleTagsList } from './tags-route.js';
import { UploadSessions } from './upload-sessions.js';

export interface RegistrySandboxOptions {
  /** 'ghcr' | 'ecr'; the Faults API name is `registry:<name>`. */
  name: string;
  store: RegistryStore;
  clock: Clock;
  faults: Faults;
  auth: RegistryAuthConfig;
  /** Called before a manifest is served (ECR's pull-through cache fills or refreshes the tag here). */
  onPull?: (repo: string, ref: string) => void;
}

export interface RegistrySandbox {
  url: string;
  /** Forgets issued pull tokens, unfinished uploads, traffic counts and an armed cut (the store is the caller's to reset). */
  reset(): void;
  /** Requests and upload bytes since the last reset (tests prove what a resumed or mounted copy did not send). */
  traffic(): Omit<UploadTraffic, 'cutAt'>;
  /** Zeroes the counts and disarms a cut (the control API's reset). */
  clearTraffic(): void;
  /** The next upload reaching `afterBytes` of its session is cut there once (bytes so far kept, connection reset). */
  cutUpload(afterBytes: number): void;
  close(): Promise<void>;
}

// Repository names as the distribution spec defines them (path components separated by '/').
const NAME = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*';
const NAME_PATTERN = new RegExp(`^${NAME}$`);

type Route = (ctx: RegistryContext, match: RegExpExecArray) => void | Promise<void>;
const ROUTES: Array<[RegExp, Route]> = [
  [/^\/v2\/(.+)\/tags\/list$/, (ctx, m) => handleTagsList(ctx, checkName(m[1]!))],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (ctx, m) => handleManifest(ctx, checkName(m[1]!), m[2]!)],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/, (ctx, m) => handleUpload(ctx, checkName(m[1]!), m[2]!)],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (ctx, m) => handleBlob(ctx, checkName(m[1]!), m[2]!)],
];

function checkName(name: string): string {
  if (!NAME_PATTERN.test(name) || name.length > 255)
    throw new RegistryError(400, 'NAME_INVALID', 'invalid repository name', { name });
  return name;
}

/** An OCI distribution registry over HTTP (one instance per simulated registry). */
export async function startRegistrySandbox(opts: RegistrySandboxOptions): Promise<RegistrySandbox> {
  const auth = new RegistryAuth(opts.auth, opts.clock);
  const uploads = new UploadSessions();
  let traffic: UploadTraffic = { requests: {}, uploadedBytes: 0, mounted: 0 };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    traffic.requests[method] = (traffic.requests[method] ?? 0) + 1;
    if (await applyFault(opts.faults, `registry:${opts.name}`, res, faultBody)) return;
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    const ctx: RegistryContext = {
      store: opts.store,
      auth,
      uploads,
      baseUrl: `http://${req.headers.host}`,
      req,
      res,
      traffic,
      ...(opts.onPull ? { onPull: opts.onPull } : {}),
    };
    try {
      await route(ctx);
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      sendRegistryError(req, res, err);
    }
  };
  const server = await serve(handler);
  return {
    url: server.url,
    reset: () => {
      auth.reset();
      uploads.clear();
      traffic = { requests: {}, uploadedBytes: 0, mounted: 0 };
    },
    clearTraffic: () => {
      traffic = { requests: {}, uploadedBytes: 0, mounted: 0 };
    },
    traffic: () => ({
      requests: { ...traffic.requests },
      uploadedBytes: traffic.uploadedBytes,
      mounted: traffic.mounted,
    }),
    cutUpload: (afterBytes) => {
      traffic.cutAt = afterBytes;
    },
    close: () => server.close(),
  };
}

async function route(ctx: RegistryContext): Promise<void> {
  const path = new URL(ctx.req.url ?? '/', ctx.baseUrl).pathname;
  if (path === '/token' && ctx.auth.usesTokens && ctx.req.method === 'GET') {
    return sendJson(ctx.res, 200, ctx.auth.issueToken(new URL(ctx.req.url ?? '/', ctx.baseUrl)));
  }
  if (path === '/v2/' || path === '/v2') {
    ctx.auth.authorize(ctx.req, ctx.baseUrl);
    return sendJson(ctx.res, 200, {});
  }
  for (const [pattern, handle] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return handle(ctx, match);
  }
  throw new RegistryError(404, 'UNSUPPORTED', `no route for ${ctx.req.method} ${path}`);
}
