import { coderError, type Reply, resourceNotFound } from './coder-http.js';
import { invalidUuidParam, parseUuid } from './parse-uuid.js';
import type { ProbeContext } from './types.js';
import type { SimBuild, SimWorkspace } from './workspace-model.js';

const GO_BOOLS: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/** strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  return GO_BOOLS[text];
}

/** httpmw.ExtractWorkspaceParam: deleted workspaces are found too (handlers decide). */
export function findWorkspace(param: string, ctx: ProbeContext): SimWorkspace | Reply {
  const parsed = parseUuid(param);
  if ('error' in parsed) return invalidUuidParam(param, parsed.error);
  return ctx.state.workspaces.workspace(parsed.id) ?? resourceNotFound();
}

/** httpmw.ExtractWorkspaceBuildParam. */
export function findBuild(param: string, ctx: ProbeContext): { ws: SimWorkspace; build: SimBuild } | Reply {
  const parsed = parseUuid(param);
  if ('error' in parsed) return invalidUuidParam(param, parsed.error);
  for (const ws of ctx.state.workspaces.all()) {
    const build = ws.builds.find((b) => b.id === parsed.id);
    if (build) return { ws, build };
  }
  return resourceNotFound();
}

export const databaseDown = (what: string, detail: string): Reply =>
  coderError(500, { message: `Internal error fetching ${what}.`, detail });
