import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpCoderWorkspaces } from '../../src/adapters/coder/http-coder-workspaces.js';
import { TransientError } from '../../src/errors/transient-error.js';
import { UserError } from '../../src/errors/user-error.js';
import { systemClock } from '../../src/ports/clock.js';
import type { SmokeTarget } from '../../src/ports/coder-workspaces.js';
import { healthyFacts, startForTest, type TestSandbox } from '../sandbox/coder/start-for-test.js';
import { client } from '../sandbox/coder/workspace-test-kit.js';

// Builds take tens of milliseconds on the sandbox clock (real time here); polling keeps up.
const FAST = {
  pickupMs: 10,
  startBuildMs: 40,
  stopBuildMs: 20,
  agentConnectMs: 10,
  agentStartupMs: 10,
  cancelMs: 10,
};

let sb: TestSandbox;
let coder: HttpCoderWorkspaces;
let call: ReturnType<typeof client>;
let targets: Record<string, SmokeTarget>;

const adapter = (overrides: { coderSessionToken?: string } = {}) =>
  new HttpCoderWorkspaces({
    urls: sb.urls,
    coderSessionToken: sb.sessionToken,
    probes: sb.probes,
    clock: systemClock,
    requestTimeoutMs: 2_000,
    cleanupTimeoutMs: 5_000,
    pollMs: { initialMs: 5, maxMs: 20 },
    ...overrides,
  });

beforeAll(async () => {
  sb = await startForTest({ clock: systemClock, workspaceTimings: FAST });
  coder = adapter();
  call = client(sb);
  const probe = (id: string) => sb.probes.find((p) => p.id === id)!;
  // The inventory's workshop.smoke: one target per region, through the control plane or its proxy.
  targets = Object.fromEntries(
    sb.env.workshop!.smoke.map((s) => [
      s.region,
      { region: s.region, probe: probe(s.probe), template: s.template, org: s.org },
    ]),
  );
});
afterAll(() => sb.close());
beforeEach(() => {
  Object.assign(sb.facts, healthyFacts());
  sb.control.reset();
  sb.faults.reset();
});

const liveWorkspaces = async () =>
  (await call('GET', '/api/v2/workspaces')).body as {
    count: number;
    workspaces: { name: string; latest_build: { status: string } }[];
  };

describe('HttpCoderWorkspaces.smokeTest', () => {
  it('passes in every region: through the control plane and through each workspace proxy', async () => {
    expect(Object.keys(targets)).toEqual(['us-east-2', 'us-west-2', 'eu-west-2']);
    const results = await Promise.all(
      Object.values(targets).map((t) => coder.smokeTest(t, { name: `smoke-${t.region}`, timeoutMs: 10_000 })),
    );
    for (const result of results) {
      expect(result).toMatchObject({ ok: true });
      expect(result.reason).toBeUndefined();
      expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
        ['template', true],
        ['create', true],
        ['build', true],
        ['agent', true],
        ['command', true],
        ['delete', true],
      ]);
      for (const step of result.steps) expect(step.ms).toBeGreaterThanOrEqual(0);
    }
    expect(results.map((r) => r.region)).toEqual(['us-east-2', 'us-west-2', 'eu-west-2']);
    expect((await liveWorkspaces()).count).toBe(0);
  });

  it.each([
    ['create', 'insert workspace: boom', 'Internal error creating workspace.: insert workspace: boom'],
    ['build', 'terraform apply: exit status 1', 'build failed: terraform apply: exit status 1'],
    ['agent', undefined, 'agent startup script exited with an error (lifecycle start_error)'],
  ] as const)(
    'fails at %s in one region, says why in Coder’s words, and deletes what it made',
    async (step, message, reason) => {
      sb.control.failWorkspaces({ workspace: 'smoke-us-west-2' }, step, message);
      const [west, east] = await Promise.all([
        coder.smokeTest(targets['us-west-2']!, { name: 'smoke-us-west-2', timeoutMs: 10_000 }),
        coder.smokeTest(targets['eu-west-2']!, { name: 'smoke-eu-west-2', timeoutMs: 10_000 }),
      ]);
      expect(west).toMatchObject({ region: 'us-west-2', ok: false, reason });
      expect(west.steps.find((s) => s.name === step)).toMatchObject({ ok: false, detail: reason });
      // Nothing after the failed step ran, except the clean-up of a workspace that exists.
      const names = west.steps.map((s) => s.name);
      expect(names.slice(0, names.indexOf(step) + 1)).toEqual(
        ['template', 'create', 'build', 'agent'].slice(0, names.indexOf(step) + 1),
      );
      if (step === 'create') expect(names).not.toContain('delete');
      else expect(west.steps.at(-1)).toMatchObject({ name: 'delete', ok: true });
      expect(east.ok).toBe(true);
      expect((await liveWorkspaces()).count).toBe(0);
    },
  );

  it('fails the command through the region’s proxy only when that proxy cannot reach the agent', async () => {
    sb.control.failWorkspaces('oregon-proxy', 'command', 'relay unreachable');
    const [west, east, primary] = await Promise.all([
      coder.smokeTest(targets['us-west-2']!, { name: 'smoke-west', timeoutMs: 10_000 }),
      coder.smokeTest(targets['eu-west-2']!, { name: 'smoke-eu', timeoutMs: 10_000 }),
      coder.smokeTest(targets['us-east-2']!, { name: 'smoke-east', timeoutMs: 10_000 }),
    ]);
    expect(west).toMatchObject({
      ok: false,
      reason: 'terminal closed (1011): dial workspace agent: relay unreachable',
    });
    expect(west.steps.map((s) => [s.name, s.ok])).toContainEqual(['delete', true]);
    expect([east.ok, primary.ok]).toEqual([true, true]);
    expect((await liveWorkspaces()).count).toBe(0);
  });

  it('reports a delete that fails, leaving the workspace for a human', async () => {
    sb.control.failWorkspaces({ workspace: 'smoke-stays' }, 'delete');
    const result = await coder.smokeTest(targets['eu-west-2']!, { name: 'smoke-stays', timeoutMs: 10_000 });
    expect(result).toMatchObject({ ok: false, reason: 'delete failed: terraform destroy: exit status 1' });
    expect(result.steps.filter((s) => !s.ok).map((s) => s.name)).toEqual(['delete']);
    const left = await liveWorkspaces();
    expect(left.workspaces.map((w) => [w.name, w.latest_build.status])).toEqual([['smoke-stays', 'failed']]);
  });

  it('times out on a build stuck pending with provisioners at 0, says so, and still deletes it', async () => {
    sb.facts.provisioners[0]!.ready = 0;
    const result = await coder.smokeTest(targets['us-east-2']!, { name: 'smoke-stuck', timeoutMs: 300 });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(
      /^build not finished after \d+\.\d s: job pending, queue position 1 of 1; no provisioner daemon is available to run it \(0 matched\)$/,
    );
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['template', true],
      ['create', true],
      ['build', false],
      ['delete', true],
    ]);
    expect((await liveWorkspaces()).count).toBe(0);
  });

  it('stops when aborted and still deletes the workspace it created', async () => {
    sb.facts.provisioners[0]!.ready = 0;
    const abort = new AbortController();
    const running = coder.smokeTest(targets['us-west-2']!, {
      name: 'smoke-abort',
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    await vi.waitFor(async () => expect((await liveWorkspaces()).count).toBe(1), {
      timeout: 5_000,
      interval: 10,
    });
    abort.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, reason: 'aborted' });
    expect(result.steps.at(-1)).toMatchObject({ name: 'delete', ok: true });
    expect((await liveWorkspaces()).count).toBe(0);
  });

  it('never deletes a workspace it did not create (a leftover with the same name)', async () => {
    const template = (await call('GET', '/api/v2/organizations/default/templates/kubernetes')).body;
    await call('POST', '/api/v2/organizations/default/members/me/workspaces', {
      template_id: template.id,
      name: 'smoke-leftover',
    });
    const result = await coder.smokeTest(targets['us-east-2']!, { name: 'smoke-leftover', timeoutMs: 5_000 });
    expect(result).toMatchObject({
      ok: false,
      reason:
        'Workspace "smoke-leftover" already exists. (name: This value is already in use and should be unique.)',
    });
    expect(result.steps.map((s) => s.name)).toEqual(['template', 'create']);
    expect((await liveWorkspaces()).count).toBe(1);
  });

  it('fails fast when the region’s proxy is down, creating nothing', async () => {
    sb.facts.proxies[1]!.healthy = false;
    const result = await coder.smokeTest(targets['eu-west-2']!, { name: 'smoke-down', timeoutMs: 5_000 });
    expect(result).toMatchObject({
      ok: false,
      reason: 'emea-proxy answered 503: HTTP 503: no healthy upstream',
    });
    expect(result.steps.map((s) => s.name)).toEqual(['template']);
    expect((await liveWorkspaces()).count).toBe(0);
  });

  it('names an unknown template and a refused token', async () => {
    const wrong = await coder.smokeTest(
      { ...targets['us-east-2']!, template: 'nope' },
      { name: 'smoke-x', timeoutMs: 5_000 },
    );
    expect(wrong.reason).toBe(
      'template "nope" in organization "default": Resource not found or you do not have access to this resource',
    );
    const badToken = `${sb.sessionToken.slice(0, 11)}${'x'.repeat(22)}`;
    const refused = await adapter({ coderSessionToken: badToken }).smokeTest(targets['us-west-2']!, {
      name: 'smoke-y',
      timeoutMs: 5_000,
    });
    expect(refused.reason).toMatch(
      /^Coder refused opsbot's session token \(401: You are signed out .*API key secret is invalid\.\); renew CODER_SESSION_TOKEN$/,
    );
    await expect(
      adapter({ coderSessionToken: '' }).smokeTest(targets['us-west-2']!, { name: 'z' }),
    ).rejects.toThrow(UserError);
  });
});

describe('HttpCoderWorkspaces figures', () => {
  it('counts workspaces, through a proxy’s control plane too', async () => {
    const template = (await call('GET', '/api/v2/organizations/default/templates/kubernetes')).body;
    for (const name of ['one', 'two'])
      await call('POST', '/api/v2/organizations/default/members/me/workspaces', {
        template_id: template.id,
        name,
      });
    expect(await coder.workspaceCount(targets['us-east-2']!.probe)).toBe(2);
    expect(await coder.workspaceCount(targets['eu-west-2']!.probe)).toBe(2);
  });

  it('reads the provisioner queue: pending jobs and how long the oldest has waited', async () => {
    expect(await coder.provisionerQueue(targets['us-east-2']!.probe, 'default')).toEqual({
      pending: 0,
      oldestWaitMs: 0,
    });
    sb.control.setPendingJobs('default', 3);
    const queue = await coder.provisionerQueue(targets['us-east-2']!.probe, 'default');
    expect(queue.pending).toBe(3);
    // The control API's oldest queued job is 45 s old by the sandbox clock.
    expect(queue.oldestWaitMs).toBeGreaterThanOrEqual(45_000);
    expect(queue.oldestWaitMs).toBeLessThan(47_000);
  });

  it('classifies failures: refused token → UserError naming it, 5xx → TransientError', async () => {
    const badToken = `${sb.sessionToken.slice(0, 11)}${'x'.repeat(22)}`;
    await expect(
      adapter({ coderSessionToken: badToken }).workspaceCount(targets['us-east-2']!.probe),
    ).rejects.toThrow(/refused opsbot's session token .*renew CODER_SESSION_TOKEN/);
    sb.faults.fail('coder', { status: 502, count: 1 });
    const err = await coder.provisionerQueue(targets['us-east-2']!.probe, 'default').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).status).toBe(502);
  });
});
