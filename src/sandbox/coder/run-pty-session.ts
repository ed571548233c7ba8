import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { runShellLine } from './run-shell-line.js';

/** workspacesdk.ReconnectingPTYRequest: what the client writes (input and resizes). */
const PtyRequest = z.object({
  data: z.string().optional(),
  height: z.number().int().optional(),
  width: z.number().int().optional(),
});

const send = (ws: WebSocket, text: string) => {
  if (text !== '') ws.send(Buffer.from(text, 'utf8'), { binary: true });
};

/**
 * The agent's reconnecting PTY behind coderd's websocket: output goes out as binary frames. With a
 * `command` the PTY runs it (`bash -c`) and closes when it exits; without one it is an interactive
 * shell that echoes input and runs each line on Enter until `exit`.
 */
export function runPtySession(ws: WebSocket, opts: { command: string; workspace: string }): void {
  if (opts.command !== '') {
    send(ws, runShellLine(opts.command, opts.workspace, false).output);
    ws.close(1000);
    return;
  }
  const prompt = `coder@${opts.workspace}:~$ `;
  let line = '';
  send(ws, prompt);
  ws.on('message', (raw: RawData) => {
    const parsed = PtyRequest.safeParse(safeJson(raw.toString()));
    if (!parsed.success || parsed.data.data === undefined) return;
    for (const ch of parsed.data.data) {
      if (ch === '\r' || ch === '\n') {
        const result = runShellLine(line, opts.workspace, true);
        line = '';
        send(ws, `\r\n${result.output}`);
        if (result.exit) {
          ws.close(1000);
          return;
        }
        send(ws, prompt);
      } else if (ch === '\x7f') {
        if (line !== '') send(ws, '\b \b');
        line = line.slice(0, -1);
      } else {
        line += ch;
        send(ws, ch);
      }
    }
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
