import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Probe } from '../../inventory/schema.js';
import { handleLitellm, type LitellmContext } from '../litellm/handle-litellm.js';
import { applyFault, serve } from '../shared/http.js';
import { routeNotFound, sendReply } from './coder-http.js';
import { handleCoder } from './handle-coder.js';
import { handleProxy } from './handle-proxy.js';
import { handlePtyUpgrade } from './handle-pty-upgrade.js';
import { createControl, createState } from './sandbox-state.js';
import { splitApiToken } from './session-auth.js';
import type { CoderSandbox, CoderSandboxOptions, ProbeContext } from './types.js';

export { generateCoderSessionToken } from './session-auth.js';
export type { CoderControl, CoderSandbox, CoderSandboxOptions, WorldFacts } from './types.js';
export type { WorkspaceFailStep, WorkspaceFailTarget } from './workspace-failures.js';
export { WORKSPACE_FAIL_STEPS } from './workspace-failures.js';
export type { WorkspaceTimings } from './workspace-timings.js';

/** Fault bodies in each API's own error shape. */
function coderFaultBody(status: number) {
  if (status === 429)
    return { message: "You've been rate limited for sending more than 512 requests in 1m0s." };
  return {
    message: 'An internal error occurred. Please try again or contact the system administrator.',
    detail: `injected fault ${status}`,
  };
}

function litellmFaultBody(status: number) {
  const message = status === 429 ? 'Rate limit exceeded' : `injected fault ${status}`;
  return { error: { message, type: 'None', param: 'None', code: String(status) } };
}

function checkOptions(opts: CoderSandboxOptions): void {
  if ('error' in splitApiToken(opts.sessionToken)) {
    throw new Error(
      'sessionToken must look like a Coder API key (<10 chars>-<22 chars>); see generateCoderSessionToken',
    );
  }
  if (!opts.litellmMasterKey.startsWith('sk-')) throw new Error('litellmMasterKey must start with sk-');
  const ids = opts.probes.map((p) => p.id);
  if (new Set(ids).size !== ids.length) throw new Error('probe ids must be unique');
}

/**
 * Starts one HTTP server for every probe of the inventory: each probe lives under `/<probe-id>/…`
 * (production URLs differ by host; the sandbox differs by path). The first coder probe is the
 * control plane; other coder probes are workspace proxies; litellm probes are the LiteLLM proxy.
 */
export async function startCoderSandbox(opts: CoderSandboxOptions): Promise<CoderSandbox> {
  checkOptions(opts);
  const full = { coderVersion: 'v2.28.0', litellmVersion: '1.79.0', ...opts };
  const state = createState(opts.clock, {
    ...(opts.templates ? { templates: opts.templates } : {}),
    ...(opts.workspaceTimings ? { workspaceTimings: opts.workspaceTimings } : {}),
  });
  const primary = opts.probes.find((p) => p.kind === 'coder');
  const contexts = new Map<string, ProbeContext>(
    opts.probes.map((probe) => [probe.id, { probe, primary, opts: full, state }]),
  );
  const litellm: LitellmContext = {
    key: opts.litellmMasterKey,
    version: full.litellmVersion,
    clock: opts.clock,
    state,
    ready: () => opts.facts().litellmReady,
  };

  const dispatch = async (
    req: IncomingMessage,
    res: ServerResponse,
    probe: Probe,
    url: URL,
    path: string,
  ) => {
    if (probe.kind === 'litellm') {
      if (await applyFault(opts.faults, 'litellm', res, litellmFaultBody)) return;
      sendReply(res, handleLitellm(req, url, path, litellm));
      return;
    }
    if (await applyFault(opts.faults, 'coder', res, coderFaultBody)) return;
    const ctx = contexts.get(probe.id) as ProbeContext;
    sendReply(
      res,
      probe === primary ? await handleCoder(req, url, path, ctx) : handleProxy(req, url, path, ctx),
    );
  };

  const server = await serve(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const [, id = '', ...rest] = url.pathname.split('/');
    const probe = contexts.get(decodeURIComponent(id))?.probe;
    if (probe) await dispatch(req, res, probe, url, `/${rest.join('/')}`);
    else sendReply(res, routeNotFound());
  });

  // Terminals are websockets: the upgrade bypasses the request handler.
  const wss = new WebSocketServer({ noServer: true });
  const upgrades = { contexts, primary, faults: opts.faults, wss, faultBody: coderFaultBody };
  server.server.on('upgrade', (req, socket, head) => {
    try {
      handlePtyUpgrade(req, socket, head, upgrades);
    } catch {
      // Like the request handler: a sandbox bug must not take the server down.
      socket.destroy();
    }
  });

  const ids = {
    primary: primary?.id,
    proxies: opts.probes.filter((p) => p.kind === 'coder' && p !== primary).map((p) => p.id),
  };
  return {
    urls: Object.fromEntries(opts.probes.map((p) => [p.id, `${server.url}/${encodeURIComponent(p.id)}`])),
    control: createControl(state, opts.clock, ids),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await server.close();
    },
  };
}
