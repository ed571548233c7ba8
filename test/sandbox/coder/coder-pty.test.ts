import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TestSandbox } from './start-for-test.js';
import { type client, type ManualClock, useWorkspaceSandbox } from './workspace-test-kit.js';

const kit = useWorkspaceSandbox();
let sb: TestSandbox;
let clock: ManualClock;
let call: ReturnType<typeof client>;
let templateId: string;

// Hooks run in the order they are registered: the kit's beforeAll has started the sandbox by now.
beforeAll(() => {
  ({ sb, clock, call, templateId } = kit);
});

type Session =
  | { kind: 'closed'; output: string; code: number; reason: string }
  | { kind: 'refused'; status: number; body: string };

/** Opens coderd's terminal websocket, optionally types `input`, and collects everything until it closes. */
function pty(
  probe: string,
  agent: string,
  query: Record<string, string>,
  opts: { token?: string | null; input?: string[] } = {},
) {
  const url = new URL(`${sb.urls[probe]!.replace(/^http/, 'ws')}/api/v2/workspaceagents/${agent}/pty`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const token = opts.token === undefined ? sb.sessionToken : opts.token;
  const ws = new WebSocket(url, { headers: token ? { 'Coder-Session-Token': token } : {} });
  return new Promise<Session>((resolve) => {
    let output = '';
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => {
        ws.terminate();
        resolve({ kind: 'refused', status: res.statusCode ?? 0, body });
      });
    });
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(true);
      output += data.toString();
      // Type the next line once the shell shows its prompt.
      if (output.endsWith('$ ') && opts.input?.length) ws.send(JSON.stringify({ data: opts.input.shift() }));
    });
    ws.on('close', (code, reason) => resolve({ kind: 'closed', output, code, reason: reason.toString() }));
    // Terminating a refused handshake reports an error too; the answer is already recorded.
    ws.on('error', () => {});
  });
}

/** A workspace whose agent is connected and ready (the clock moved well past every step). */
async function readyAgent(name: string): Promise<string> {
  const { body } = await call('POST', '/api/v2/organizations/default/members/me/workspaces', {
    template_id: templateId,
    name,
  });
  clock.advance(60_000);
  const ws = await call('GET', `/api/v2/workspaces/${body.id}`);
  return ws.body.latest_build.resources[0].agents[0].id as string;
}

describe('coder sandbox: the reconnecting PTY websocket', () => {
  it('runs `echo` through the control plane and through each proxy, then closes normally', async () => {
    const agent = await readyAgent('echo');
    for (const probe of ['coder', 'oregon-proxy', 'emea-proxy']) {
      const session = await pty(probe, agent, {
        reconnect: randomUUID(),
        height: '24',
        width: '80',
        command: 'echo hello  world',
      });
      expect(session).toEqual({ kind: 'closed', output: 'hello world\r\n', code: 1000, reason: '' });
    }
  });

  it('answers other commands as bash -c would', async () => {
    const agent = await readyAgent('nosuch');
    const session = await pty('coder', agent, { reconnect: randomUUID(), command: 'frobnicate --now' });
    expect(session).toMatchObject({ output: 'bash: line 1: frobnicate: command not found\r\n', code: 1000 });
  });

  it('is an interactive shell without a command: echoes typing, runs lines, exits', async () => {
    const agent = await readyAgent('shell');
    const session = await pty(
      'oregon-proxy',
      agent,
      { reconnect: randomUUID() },
      { input: ['echo hi\r', 'exit\r'] },
    );
    expect(session).toMatchObject({ kind: 'closed', code: 1000 });
    expect((session as { output: string }).output).toBe(
      'coder@shell:~$ echo hi\r\nhi\r\ncoder@shell:~$ exit\r\n',
    );
  });

  it('refuses before upgrading: agent not connected, bad query, no token, unknown agent', async () => {
    const { body } = await call('POST', '/api/v2/organizations/default/members/me/workspaces', {
      template_id: templateId,
      name: 'early',
    });
    clock.advance(11_500);
    const agent = (await call('GET', `/api/v2/workspaces/${body.id}`)).body.latest_build.resources[0]
      .agents[0].id;
    const notYet = await pty('coder', agent, { reconnect: randomUUID(), command: 'echo x' });
    expect(notYet).toMatchObject({ kind: 'refused', status: 400 });
    expect(JSON.parse((notYet as { body: string }).body)).toEqual({
      message: 'Agent state is "connecting", it must be in the "connected" state.',
    });
    clock.advance(60_000);
    const noReconnect = await pty('emea-proxy', agent, { command: 'echo x' });
    expect(JSON.parse((noReconnect as { body: string }).body)).toEqual({
      message: 'Invalid query parameters.',
      validations: [{ field: 'reconnect', detail: 'Query param "reconnect" is required' }],
    });
    expect(await pty('coder', agent, { reconnect: randomUUID() }, { token: null })).toMatchObject({
      status: 401,
    });
    expect(await pty('coder', randomUUID(), { reconnect: randomUUID() })).toMatchObject({ status: 404 });
  });

  it('closes with coderd’s dial error when the command step is failed for the probe serving it', async () => {
    const agent = await readyAgent('cut-off');
    sb.control.failWorkspaces('oregon-proxy', 'command', 'relay unreachable');
    const query = () => ({ reconnect: randomUUID(), command: 'echo ok' });
    expect(await pty('oregon-proxy', agent, query())).toEqual({
      kind: 'closed',
      output: '',
      code: 1011,
      reason: 'dial workspace agent: relay unreachable',
    });
    expect(await pty('emea-proxy', agent, query())).toMatchObject({ output: 'ok\r\n', code: 1000 });
    expect(await pty('coder', agent, query())).toMatchObject({ output: 'ok\r\n', code: 1000 });
  });

  it('gets the load balancer’s 503 from a proxy with no ready pod', async () => {
    const agent = await readyAgent('lb');
    sb.facts.proxies[0]!.healthy = false;
    const refused = await pty('oregon-proxy', agent, { reconnect: randomUUID(), command: 'echo x' });
    expect(refused).toEqual({ kind: 'refused', status: 503, body: 'no healthy upstream' });
  });
});
