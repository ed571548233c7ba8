import type { IncomingMessage } from 'node:http';
import { checkPty, notAWebsocket } from './check-pty.js';
import type { Reply } from './coder-http.js';
import { createWorkspace } from './create-workspace.js';
import { isReply } from './decode-body.js';
import { listWorkspaces } from './list-workspaces.js';
import { listTemplates, templateByName } from './templates.js';
import type { ProbeContext } from './types.js';
import { cancelBuild, getBuild, getWorkspace, postBuild } from './workspace-builds.js';

export interface Call {
  req: IncomingMessage;
  url: URL;
  ctx: ProbeContext;
  params: string[];
}

type Handler = (call: Call) => Reply | Promise<Reply>;

/** A coderd route: its path pattern and a handler per method (another method is a 405). */
export interface WorkspaceRoute {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
}

export const PTY_ROUTE = /^\/api\/v2\/workspaceagents\/([^/]+)\/pty$/;

/** A terminal requested without the websocket upgrade: checked like one, then refused. */
const ptyWithoutUpgrade: Handler = ({ req, url, ctx, params }) => {
  const target = checkPty(params[0] as string, url, ctx);
  return isReply(target) ? target : notAWebsocket(req.headers.connection);
};

/** The workspace API the smoke test uses, with coderd's paths. */
export const WORKSPACE_ROUTES: WorkspaceRoute[] = [
  {
    pattern: /^\/api\/v2\/organizations\/([^/]+)\/templates$/,
    methods: { GET: ({ ctx, params }) => listTemplates(params[0] as string, ctx) },
  },
  {
    pattern: /^\/api\/v2\/organizations\/([^/]+)\/templates\/([^/]+)$/,
    methods: { GET: ({ ctx, params }) => templateByName(params[0] as string, params[1] as string, ctx) },
  },
  {
    pattern: /^\/api\/v2\/organizations\/([^/]+)\/members\/([^/]+)\/workspaces$/,
    methods: {
      POST: ({ req, ctx, params }) => createWorkspace(req, params[0] as string, params[1] as string, ctx),
    },
  },
  { pattern: /^\/api\/v2\/workspaces$/, methods: { GET: ({ url, ctx }) => listWorkspaces(url, ctx) } },
  {
    pattern: /^\/api\/v2\/workspaces\/([^/]+)$/,
    methods: { GET: ({ url, ctx, params }) => getWorkspace(url, params[0] as string, ctx) },
  },
  {
    pattern: /^\/api\/v2\/workspaces\/([^/]+)\/builds$/,
    methods: { POST: ({ req, ctx, params }) => postBuild(req, params[0] as string, ctx) },
  },
  {
    pattern: /^\/api\/v2\/workspacebuilds\/([^/]+)$/,
    methods: { GET: ({ ctx, params }) => getBuild(params[0] as string, ctx) },
  },
  {
    pattern: /^\/api\/v2\/workspacebuilds\/([^/]+)\/cancel$/,
    methods: { PATCH: ({ url, ctx, params }) => cancelBuild(url, params[0] as string, ctx) },
  },
  { pattern: PTY_ROUTE, methods: { GET: ptyWithoutUpgrade } },
];

export function matchWorkspaceRoute(path: string): { route: WorkspaceRoute; params: string[] } | undefined {
  for (const route of WORKSPACE_ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
