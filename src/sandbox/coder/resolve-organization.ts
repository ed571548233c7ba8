import { stableUuid } from './coder-http.js';
import type { ProbeContext } from './types.js';

/**
 * coderd's ExtractOrganizationParam: a name or an id. Organizations the sandbox knows: `default`,
 * those with provisioners, those given a queue, and those with templates.
 */
export function resolveOrganization(param: string, ctx: ProbeContext): string | undefined {
  const names = new Set([
    'default',
    ...ctx.opts.facts().provisioners.map((p) => p.org),
    ...ctx.state.pendingJobs.keys(),
    ...ctx.state.workspaces.orgs(),
  ]);
  if (names.has(param)) return param;
  return [...names].find((name) => stableUuid(`organization:${name}`) === param.toLowerCase());
}
