import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { coderFailureText } from './coder-failure-text.js';
import { CoderResponse } from './coder-schemas.js';

export interface PtyCommand {
  /** The probe's own base URL: the control plane or the region's workspace proxy. */
  base: string;
  agentId: string;
  token: string | undefined;
  command: string;
  /** Output that proves the command ran. */
  expect: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export type PtyOutcome = { ok: true; output: string } | { ok: false; detail: string };

const excerpt = (output: string) => JSON.stringify(output.replace(/\r/g, '').trim().slice(0, 200));

/**
 * Runs a command in the workspace through coderd's reconnecting-PTY websocket
 * (`/api/v2/workspaceagents/{agent}/pty?reconnect=…&command=…`), as the web terminal does, and
 * succeeds once the expected output appears.
 */
export function runPtyCommand(cmd: PtyCommand): Promise<PtyOutcome> {
  const url = new URL(`${cmd.base.replace(/^http/, 'ws')}/api/v2/workspaceagents/${cmd.agentId}/pty`);
  url.searchParams.set('reconnect', randomUUID());
  url.searchParams.set('height', '24');
  url.searchParams.set('width', '80');
  url.searchParams.set('command', cmd.command);
  const headers: Record<string, string> = cmd.token ? { 'Coder-Session-Token': cmd.token } : {};
  if (cmd.signal?.aborted) return Promise.resolve({ ok: false, detail: 'aborted' });
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const ws = new WebSocket(url, { headers, handshakeTimeout: cmd.timeoutMs });
    const finish = (outcome: PtyOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cmd.signal?.removeEventListener('abort', onAbort);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          detail: `no answer from the terminal within ${cmd.timeoutMs} ms (output ${excerpt(output)})`,
        }),
      cmd.timeoutMs,
    );
    const onAbort = () => finish({ ok: false, detail: 'aborted' });
    cmd.signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => {
        const parsed = CoderResponse.safeParse(safeJson(body));
        const words = parsed.success ? coderFailureText(parsed.data) : body.replace(/<[^>]*>/g, ' ').trim();
        finish({ ok: false, detail: `terminal refused (${res.statusCode}): ${words.slice(0, 300)}` });
      });
    });
    ws.on('message', (data: WebSocket.RawData) => {
      output += data.toString();
      if (output.includes(cmd.expect)) finish({ ok: true, output });
    });
    ws.on('close', (code: number, reason: Buffer) => {
      const why = reason.toString();
      finish({
        ok: false,
        detail:
          code === 1000 || code === 1005
            ? `command output did not include ${JSON.stringify(cmd.expect)}: ${excerpt(output)}`
            : `terminal closed (${code})${why ? `: ${why}` : ''}`,
      });
    });
    ws.on('error', (err: Error) => finish({ ok: false, detail: `terminal: ${err.message}` }));
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
