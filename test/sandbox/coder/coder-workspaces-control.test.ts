import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { HttpCoderWorkspaces } from '../../../src/adapters/coder/http-coder-workspaces.js';
import type { SmokeTarget } from '../../../src/ports/coder-workspaces.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox.js';

// The whole simulated environment: provisioner readiness comes from the simulated clusters, the
// `kubernetes` template from the inventory's workshop section, failures from the control API.
let sandbox: Sandbox;
let coder: HttpCoderWorkspaces;
let target: (region: string) => SmokeTarget;

const control = (route: string, body: unknown) =>
  fetch(`${sandbox.state.controlUrl}/${route}`, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `coder-ws-${randomUUID()}`,
    stateDir: null,
    withBot: false,
    rolloutStepMs: 10,
  });
  const env = sandbox.sim.env;
  coder = new HttpCoderWorkspaces({
    urls: sandbox.sim.coder.urls,
    coderSessionToken: sandbox.botEnv.CODER_SESSION_TOKEN!,
    probes: env.probes,
    pollMs: { initialMs: 50, maxMs: 200 },
    cleanupTimeoutMs: 10_000,
  });
  target = (region) => {
    const s = env.workshop!.smoke.find((t) => t.region === region)!;
    return { region, probe: env.probes.find((p) => p.id === s.probe)!, template: s.template, org: s.org };
  };
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await control('reset', {});
});

describe('sandbox control API: coder/workspaces/fail', () => {
  it('is listed, and injects a failure the smoke test reports', async () => {
    const routes = (await (await fetch(sandbox.state.controlUrl)).json()) as Record<string, string>;
    expect(routes['POST /_sandbox/coder/workspaces/fail']).toMatch(/create.*build.*agent.*command.*delete/);
    const res = await control('coder/workspaces/fail', {
      probe: 'coder',
      step: 'create',
      message: 'disk full',
    });
    expect(res.status).toBe(200);
    const result = await coder.smokeTest(target('us-west-2'), { name: 'smoke-ctl', timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, reason: 'Internal error creating workspace.: disk full' });
    // Reset clears it.
    await control('reset', {});
    expect((await control('coder/workspaces/fail', { workspace: 'x', step: null })).status).toBe(200);
  });

  it('refuses what a probe never serves (422) and malformed bodies (400)', async () => {
    const proxyBuild = await control('coder/workspaces/fail', { probe: 'oregon-proxy', step: 'build' });
    expect(proxyBuild.status).toBe(422);
    expect(((await proxyBuild.json()) as { error: string }).error).toMatch(/only carries terminals/);
    expect(
      (await control('coder/workspaces/fail', { probe: 'coder', workspace: 'x', step: 'build' })).status,
    ).toBe(400);
    expect((await control('coder/workspaces/fail', { probe: 'coder', step: 'explode' })).status).toBe(400);
  });
});

describe('smoke test against the simulated environment', () => {
  it('passes through a workspace proxy with the default timings', async () => {
    const result = await coder.smokeTest(target('eu-west-2'), { name: 'smoke-e2e', timeoutMs: 20_000 });
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['template', true],
      ['create', true],
      ['build', true],
      ['agent', true],
      ['command', true],
      ['delete', true],
    ]);
  });

  it('waits on a build while the provisioner deployment is scaled to 0, and says so', async () => {
    const scale = { cluster: 'us-east-2', namespace: 'coder', name: 'coder-provisioner-default' };
    expect((await control('deployments/scale', { ...scale, replicas: 0 })).status).toBe(200);
    const probe = target('us-east-2').probe;
    await vi.waitFor(
      async () => {
        const health = await fetch(`${sandbox.sim.coder.urls.coder}/api/v2/debug/health`, {
          headers: { 'Coder-Session-Token': sandbox.botEnv.CODER_SESSION_TOKEN! },
        });
        const body = (await health.json()) as { provisioner_daemons: { items: unknown[] } };
        const defaults = body.provisioner_daemons.items.filter((i) =>
          JSON.stringify(i).includes('provisioner-default'),
        );
        expect(defaults).toHaveLength(0);
      },
      { timeout: 10_000, interval: 50 },
    );
    const result = await coder.smokeTest(target('us-east-2'), { name: 'smoke-zero', timeoutMs: 1_500 });
    expect(result.reason).toMatch(
      /^build not finished after .*: job pending, .*no provisioner daemon is available to run it \(0 matched\)$/,
    );
    expect(result.steps.at(-1)).toMatchObject({ name: 'delete', ok: true });
    expect(await coder.workspaceCount(probe)).toBe(0);
  });
});
