import { randomUUID } from 'node:crypto';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';

let sandbox: Sandbox;
const post = (route: string, body: unknown) =>
  fetch(`${sandbox.state.controlUrl}/${route}`, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  sandbox = await startSandbox({
    redisUrl: inject('redisUrl'),
    redisPrefix: `ctl-${randomUUID()}`,
    stateDir: null,
    withBot: false,
  });
});
afterAll(async () => {
  await sandbox.close();
});

describe('sandbox control API over HTTP', () => {
  it('injects a 429 with retry-after that the official Cloudflare client sees', async () => {
    expect((await post('faults', { api: 'cloudflare', status: 429, count: 1, retryAfter: 7 })).status).toBe(
      200,
    );
    const cf = new Cloudflare({
      apiToken: sandbox.state.cloudflare.apiToken,
      baseURL: sandbox.state.cloudflare.baseUrl,
      maxRetries: 0,
    });
    const err = await cf.zones.list().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Cloudflare.RateLimitError);
    expect((err as InstanceType<typeof Cloudflare.RateLimitError>).headers.get('retry-after')).toBe('7');
    // Only the next call failed.
    expect((await cf.zones.list()).result.map((z) => z.name)).toEqual(['ai.coder.com']);
  });

  it('pushes a new upstream image: GHCR serves a new digest, the ECR mirror keeps the old one', async () => {
    const before = (await (await fetch(`${sandbox.state.controlUrl}/snapshot`)).json()) as {
      images: Record<string, { digest: string }>;
    };
    const res = (await (await post('images/push', { image: 'coder' })).json()) as {
      result: { digest: string };
    };
    expect(res.result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(res.result.digest).not.toBe(before.images.coder!.digest);
    expect(sandbox.sim.stores.ghcr.resolve('coder/coder-preview', 'v2.28.0')?.digest).toBe(res.result.digest);
    expect(sandbox.sim.stores.ecr.resolve('coder-preview', 'v2.28.0')?.digest).toBe(
      before.images.coder!.digest,
    );
  });

  it('scales behind the bot’s back and moves the clock', async () => {
    await post('deployments/scale', {
      cluster: 'us-east-2',
      namespace: 'litellm',
      name: 'litellm',
      replicas: 6,
    });
    const snap = sandbox.sim.kube.control.snapshot('us-east-2');
    expect(snap.deployments.find((d) => d.name === 'litellm')?.desired).toBe(6);
    const before = sandbox.sim.clock.now();
    const moved = (await (await post('clock/advance', { by: '3h' })).json()) as { result: { now: string } };
    expect(Date.parse(moved.result.now) - before).toBeGreaterThanOrEqual(3 * 3_600_000);
  });

  it('answers bad requests plainly and changes nothing', async () => {
    const bad = await post('faults', { api: 'cloudflare', status: 200, count: 1 });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('bad request body');
    const unknown = await post('nodes/explode', {});
    expect(unknown.status).toBe(404);
    const failed = await post('nodes/fill', { cluster: 'us-east-2', node: 'no-such-node', percent: 80 });
    expect(failed.status).toBe(422);
    expect(((await failed.json()) as { error: string }).error).toContain('node "no-such-node" not found');
  });

  it('reset puts the seeded world back', async () => {
    await post('dns/record', {
      zone: 'ai.coder.com',
      name: 'ai.coder.com',
      type: 'CNAME',
      content: 'elsewhere.example.net',
    });
    await post('reset', {});
    const records = sandbox.sim.cloudflare.control.records('ai.coder.com');
    expect(records.find((r) => r.name === 'ai.coder.com')?.content).toBe(
      'ai-coder-control-7f3a9c1e2b4d5f60.elb.us-east-2.amazonaws.com',
    );
    expect(
      sandbox.sim.kube.control.snapshot('us-east-2').deployments.find((d) => d.name === 'litellm')?.desired,
    ).toBe(4);
  });
});
