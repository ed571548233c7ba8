import {
  ApiException,
  type ConfigurationOptions,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { JsonListScanner } from './json-list-scanner.js';

/** One request's per-call options (its middleware: the signal, the pooled connections). */
type Request = ConfigurationOptions;

const HTTP = new IsomorphicFetchHttpLibrary();

/** Per KubeConfig: the headers and connection pool client-node's auth produced, and what for. */
const auths = new WeakMap<
  KubeConfig,
  {
    key: string;
    headers: Record<string, string>;
    dispatcher: ReturnType<RequestContext['getDispatcher']>;
  }
>();

/**
 * client-node's authentication of a request, done once per KubeConfig, server, CA and token (opsbot's
 * KubeConfigs carry a bearer token, refreshed in place): applying it builds a new connection pool each
 * time, which for thousands of kubelet reads costs seconds of CPU and native memory for the idle pools.
 */
async function authenticate(kc: KubeConfig, ctx: RequestContext): Promise<void> {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const key = JSON.stringify([
    cluster?.server,
    cluster?.caData,
    cluster?.caFile,
    cluster?.skipTLSVerify,
    user?.name,
    user?.token,
  ]);
  let held = auths.get(kc);
  if (held?.key !== key) {
    const probe = new RequestContext(cluster?.server ?? '', HttpMethod.GET);
    await kc.applySecurityAuthentication(probe);
    held = { key, headers: probe.getHeaders(), dispatcher: probe.getDispatcher() };
    auths.set(kc, held);
  }
  for (const [name, value] of Object.entries(held.headers)) ctx.setHeaderParam(name, value);
  if (held.dispatcher) ctx.setDispatcher(held.dispatcher);
}

/**
 * A GET as the API server's JSON, through client-node's auth, TLS and per-call middleware (the signal),
 * without its typed deserializer: that costs ~100 µs a pod, most of a pass over 150,000 pods, and the JSON
 * has the fields the mappers read (times as strings, which they accept). Errors carry the status and body
 * as client-node's own do, so 401 retries, 410 restarts and classification work alike.
 */
export async function rawGet(
  kc: KubeConfig,
  req: Request,
  path: string,
  params: Record<string, string | number>,
): Promise<unknown> {
  const res = await send(kc, req, path, params);
  const text = await res.body.text();
  const body = parseJson(text);
  if (res.httpStatusCode !== 200)
    throw new ApiException(res.httpStatusCode, `HTTP ${res.httpStatusCode}`, body ?? text, res.headers);
  if (body === undefined) throw new Error(`${path}: the API server answered something other than JSON`);
  return body;
}

/**
 * A list GET read as it arrives: each item goes to `onItem` parsed on its own (JsonListScanner), so a page
 * of hundreds of objects is never one string or one object graph. Returns the list's `continue` token.
 */
export async function rawList(
  kc: KubeConfig,
  req: Request,
  path: string,
  params: Record<string, string | number>,
  onItem: (item: unknown) => void,
): Promise<string | undefined> {
  const res = await send(kc, req, path, params);
  if (res.httpStatusCode !== 200) {
    const text = await res.body.text();
    throw new ApiException(
      res.httpStatusCode,
      `HTTP ${res.httpStatusCode}`,
      parseJson(text) ?? text,
      res.headers,
    );
  }
  const scanner = new JsonListScanner(onItem);
  for await (const chunk of res.body.stream() as AsyncIterable<Uint8Array>) scanner.feed(chunk);
  const meta = scanner.end().metadata as { continue?: unknown } | undefined;
  return typeof meta?.continue === 'string' && meta.continue ? meta.continue : undefined;
}

/** The GET itself, authenticated and through the call's middleware (its signal, the pooled connections). */
async function send(
  kc: KubeConfig,
  req: Request,
  path: string,
  params: Record<string, string | number>,
): Promise<ResponseContext> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no cluster');
  const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const ctx = new RequestContext(url.toString(), HttpMethod.GET);
  ctx.setHeaderParam('Accept', 'application/json');
  await authenticate(kc, ctx);
  for (const m of req.middleware ?? []) await m.pre(ctx).toPromise();
  return HTTP.send(ctx).toPromise();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
