import { afterAll, beforeAll, beforeEach } from 'vitest';
import { healthyFacts, NOW, startForTest, type TestSandbox } from './start-for-test.js';

/** A sandbox clock the test moves by hand: builds progress only when it says so. */
export class ManualClock {
  private t = NOW;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const TIMINGS = {
  pickupMs: 1_000,
  startBuildMs: 10_000,
  stopBuildMs: 5_000,
  agentConnectMs: 2_000,
  agentStartupMs: 3_000,
  cancelMs: 1_000,
};

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field.
  body: any;
}

/** Plain fetch against one probe of the sandbox, with opsbot's session token unless told otherwise. */
export function client(sb: TestSandbox, probe = 'coder') {
  return async (method: string, path: string, body?: unknown, token: string | null = sb.sessionToken) => {
    const headers: Record<string, string> = token ? { 'Coder-Session-Token': token } : {};
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${sb.urls[probe]}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed } as Answer;
  };
}

export async function startWithManualClock(): Promise<{ sb: TestSandbox; clock: ManualClock }> {
  const clock = new ManualClock();
  const sb = await startForTest({ clock, workspaceTimings: TIMINGS });
  return { sb, clock };
}

/** The `kubernetes` template's id in `default`, as the smoke test looks it up. */
export async function kubernetesTemplateId(call: ReturnType<typeof client>): Promise<string> {
  const res = await call('GET', '/api/v2/organizations/default/templates/kubernetes');
  return res.body.id as string;
}

/** What a workspace test file shares: the sandbox, its hand-moved clock, a client and the template's id. */
export interface WorkspaceSandbox {
  sb: TestSandbox;
  clock: ManualClock;
  call: ReturnType<typeof client>;
  templateId: string;
}

/**
 * Starts one sandbox for the file (hooks registered here) and puts it back to healthy before each test.
 * The returned object is filled in by `beforeAll`: read its fields inside tests, not at import time.
 */
export function useWorkspaceSandbox(): WorkspaceSandbox {
  const ws = {} as WorkspaceSandbox;
  beforeAll(async () => {
    const { sb, clock } = await startWithManualClock();
    const call = client(sb);
    Object.assign(ws, { sb, clock, call, templateId: await kubernetesTemplateId(call) });
  });
  afterAll(() => ws.sb?.close());
  beforeEach(() => {
    Object.assign(ws.sb.facts, healthyFacts());
    ws.sb.control.reset();
    ws.sb.faults.reset();
  });
  return ws;
}
