import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  generateCoderSessionToken,
  startCoderSandbox,
} from '../../../src/sandbox/coder/start-coder-sandbox.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';
import { DIGEST, healthyFacts, OTHER_DIGEST, startForTest, type TestSandbox } from './start-for-test.js';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startForTest();
});
afterAll(() => sb.close());
beforeEach(() => {
  Object.assign(sb.facts, healthyFacts());
  sb.control.reset();
  sb.faults.reset();
});

async function get(path: string, init: RequestInit = {}) {
  const res = await fetch(`${sb.urls.coder}${path}`, {
    ...init,
    headers: { 'Coder-Session-Token': sb.sessionToken, ...init.headers },
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
  };
}

describe('coder sandbox: provisioner jobs', () => {
  it('lists the pending queue with positions and size', async () => {
    sb.control.setPendingJobs('default', 3);
    const { status, body } = await get('/api/v2/organizations/default/provisionerjobs?status=pending');
    expect(status).toBe(200);
    expect(body).toHaveLength(3);
    expect(body.map((j: { queue_position: number }) => j.queue_position).sort()).toEqual([1, 2, 3]);
    for (const job of body)
      expect(job).toMatchObject({ status: 'pending', queue_size: 3, type: 'workspace_build' });
    const oldest = body.find((j: { queue_position: number }) => j.queue_position === 1);
    expect(body.every((j: { created_at: string }) => j.created_at >= oldest.created_at)).toBe(true);
  });

  it('shows busy daemons running jobs while a queue exists, and an empty list otherwise', async () => {
    expect((await get('/api/v2/organizations/experimental/provisionerjobs?status=pending')).body).toEqual([]);
    sb.control.setPendingJobs('experimental', 1);
    const running = await get('/api/v2/organizations/experimental/provisionerjobs?status=running');
    expect(running.body).toHaveLength(2);
    const all = await get('/api/v2/organizations/experimental/provisionerjobs?limit=2');
    expect(all.body).toHaveLength(2);
    const orgId = running.body[0].organization_id;
    const byId = await get(`/api/v2/organizations/${orgId}/provisionerjobs?status=pending`);
    expect(byId.body).toHaveLength(1);
  });

  it('rejects unknown organizations, bad parameters and missing auth the way coderd does', async () => {
    expect(await get('/api/v2/organizations/nope/provisionerjobs')).toMatchObject({
      status: 404,
      body: { message: 'Resource not found or you do not have access to this resource' },
    });
    const bad = await get('/api/v2/organizations/default/provisionerjobs?status=stuck&limit=-1&page=2');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('Invalid query parameters.');
    expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual([
      'limit',
      'page',
      'status',
    ]);
    const anon = await fetch(`${sb.urls.coder}/api/v2/organizations/default/provisionerjobs`);
    expect(anon.status).toBe(401);
  });

  it('fails with a database error while the database is down', async () => {
    sb.control.failDatabase(true);
    const res = await get('/api/v2/organizations/default/provisionerjobs');
    expect(res.status).toBe(500);
    expect(res.body.message).toBe('Internal error fetching provisioner jobs.');
  });
});

describe('coder sandbox: workspace proxies and build info', () => {
  it('lists regions with health and versions', async () => {
    sb.facts.proxies[0] = { id: 'oregon-proxy', healthy: false, imageDigest: OTHER_DIGEST };
    const { status, body } = await get('/api/v2/workspaceproxies');
    expect(status).toBe(200);
    const [primary, oregon, emea] = body.regions;
    expect(primary).toMatchObject({ name: 'primary', healthy: true, path_app_url: 'https://ai.coder.com' });
    expect(oregon).toMatchObject({
      name: 'oregon-proxy',
      healthy: false,
      path_app_url: 'https://oregon-proxy.ai.coder.com',
      wildcard_hostname: '*.oregon-proxy.ai.coder.com',
      version: `v2.28.0+${OTHER_DIGEST.slice(7, 14)}`,
      status: { status: 'unreachable' },
    });
    expect(emea).toMatchObject({
      healthy: true,
      status: { status: 'ok', report: { errors: [], warnings: [] } },
    });
  });

  it('answers /api/v2/buildinfo without auth, on the control plane and on proxies', async () => {
    const res = await fetch(`${sb.urls.coder}/api/v2/buildinfo`);
    expect(await res.json()).toMatchObject({
      version: `v2.28.0+${DIGEST.slice(7, 14)}`,
      workspace_proxy: false,
    });
    sb.facts.proxies[1]!.imageDigest = OTHER_DIGEST;
    const proxy = await fetch(`${sb.urls['emea-proxy']}/api/v2/buildinfo`);
    expect(await proxy.json()).toMatchObject({
      version: `v2.28.0+${OTHER_DIGEST.slice(7, 14)}`,
      workspace_proxy: true,
      dashboard_url: 'https://ai.coder.com',
    });
  });
});

describe('coder sandbox: routing and faults', () => {
  it('answers unknown routes and wrong methods like coderd', async () => {
    expect(await get('/api/v2/nothing-here')).toMatchObject({
      status: 404,
      body: { message: 'Route not found.' },
    });
    expect((await get('/api/v2/debug/health', { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${sb.urls.coder!.replace(/\/coder$/, '/unknown-probe')}/healthz`)).status).toBe(404);
  });

  it('applies injected faults to the coder API only, in its error shape', async () => {
    sb.faults.fail('coder', { status: 429, count: 1, retryAfter: 7 });
    const limited = await get('/api/v2/debug/health');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.message).toMatch(/rate limited/);
    expect((await fetch(`${sb.urls.litellm}/health/liveliness`)).status).toBe(200);
    expect((await get('/api/v2/debug/health')).status).toBe(200);
    sb.faults.setUnreachable('coder', true);
    await expect(fetch(`${sb.urls['oregon-proxy']}/healthz`)).rejects.toThrow();
  });

  it('refuses a session token that does not look like a Coder API key', async () => {
    const base = { probes: [], clock: { now: () => 0 }, faults: new Faults(), facts: healthyFacts };
    await expect(
      startCoderSandbox({ ...base, sessionToken: 'plain-secret', litellmMasterKey: 'sk-x' }),
    ).rejects.toThrow(/Coder API key/);
    await expect(
      startCoderSandbox({ ...base, sessionToken: generateCoderSessionToken(), litellmMasterKey: 'key' }),
    ).rejects.toThrow(/sk-/);
  });
});
