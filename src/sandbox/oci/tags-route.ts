import { type RegistryContext, requireRepository } from './registry-context.js';
import { RegistryError } from './registry-errors.js';

/** `GET /v2/<name>/tags/list[?n=&last=]`, paginated with a `Link: <…>; rel="next"` header. */
export function handleTagsList(ctx: RegistryContext, repo: string): void {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD')
    throw new RegistryError(405, 'UNSUPPORTED', `${ctx.req.method} is not supported on tags`);
  ctx.auth.authorize(ctx.req, ctx.baseUrl, { repo, action: 'pull' });
  requireRepository(ctx, repo);
  const url = new URL(ctx.req.url ?? '/', ctx.baseUrl);
  const last = url.searchParams.get('last');
  const nParam = url.searchParams.get('n');
  const n = nParam === null ? undefined : Number(nParam);
  if (n !== undefined && (!Number.isInteger(n) || n < 0))
    throw new RegistryError(400, 'UNSUPPORTED', 'n must be a non-negative integer');
  const all = (ctx.store.tags(repo) ?? []).filter((t) => last === null || t > last);
  const page = n === undefined ? all : all.slice(0, n);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (n !== undefined && all.length > page.length && page.length > 0)
    headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`;
  const text = JSON.stringify({ name: repo, tags: page });
  ctx.res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : text);
}
