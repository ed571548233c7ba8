import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIGEST, healthyFacts, NOW, OTHER_DIGEST, startForTest, type TestSandbox } from './start-for-test.js';

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

async function health(headers: Record<string, string> = { 'Coder-Session-Token': sb.sessionToken }) {
  const res = await fetch(`${sb.urls.coder}/api/v2/debug/health`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(await res.text()) };
}

describe('coder sandbox: /healthz and authentication', () => {
  it('serves every probe under its own prefix, /healthz without auth', async () => {
    expect(Object.keys(sb.urls).sort()).toEqual(['coder', 'emea-proxy', 'litellm', 'oregon-proxy']);
    expect(sb.urls.coder).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/coder$/);
    for (const id of ['coder', 'oregon-proxy', 'emea-proxy']) {
      const res = await fetch(`${sb.urls[id]}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('OK');
    }
  });

  it('rejects missing, malformed and wrong session tokens like coderd', async () => {
    const signedOut = 'You are signed out or your session has expired. Please sign in again to continue.';
    const [id, secret] = sb.sessionToken.split('-') as [string, string];
    const cases: [Record<string, string>, string][] = [
      [{}, 'Cookie "coder_session_token" or query parameter must be provided.'],
      [
        { 'Coder-Session-Token': 'not-a-valid-token' },
        'Invalid API key format: incorrect amount of API key parts, expected 2 got 4',
      ],
      [
        { 'Coder-Session-Token': `${id}-short` },
        'Invalid API key format: invalid API key secret length, expected 22 got 5',
      ],
      [{ 'Coder-Session-Token': `ZZZZZZZZZZ-${secret}` }, 'API key is invalid.'],
      [{ 'Coder-Session-Token': `${id}-${'x'.repeat(22)}` }, 'API key secret is invalid.'],
    ];
    for (const [headers, detail] of cases) {
      const res = await health(headers);
      expect(res.status).toBe(401);
      expect(res.type).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({ message: signedOut, detail });
    }
  });

  it('accepts the token as header, cookie or query parameter', async () => {
    expect((await health()).status).toBe(200);
    expect((await health({ Cookie: `theme=dark; coder_session_token=${sb.sessionToken}` })).status).toBe(200);
    const res = await fetch(`${sb.urls.coder}/api/v2/debug/health?coder_session_token=${sb.sessionToken}`);
    expect(res.status).toBe(200);
  });
});

describe('coder sandbox: /api/v2/debug/health', () => {
  it('reports a healthy deployment in HealthcheckReport shape', async () => {
    const { body } = await health();
    expect(body).toMatchObject({
      time: new Date(NOW).toISOString(),
      healthy: true,
      severity: 'ok',
      coder_version: `v2.28.0+${DIGEST.slice(7, 14)}`,
      access_url: {
        healthy: true,
        severity: 'ok',
        access_url: 'https://ai.coder.com',
        healthz_response: 'OK',
      },
      database: { healthy: true, severity: 'ok', reachable: true, warnings: [], dismissed: false },
      derp: { healthy: true, severity: 'ok' },
      websocket: { healthy: true, severity: 'ok', code: 101 },
      workspace_proxy: { healthy: true, severity: 'ok', warnings: [] },
      provisioner_daemons: { severity: 'ok', warnings: [], dismissed: false },
    });
    expect(body.provisioner_daemons.items).toHaveLength(10);
    expect(body.provisioner_daemons.items[0].provisioner_daemon).toMatchObject({
      name: 'coder-provisioner-default-0',
      provisioners: ['terraform'],
      status: 'idle',
    });
    expect(body.workspace_proxy.workspace_proxies.regions.map((r: { name: string }) => r.name)).toEqual([
      'primary',
      'oregon-proxy',
      'emea-proxy',
    ]);
  });

  it('turns provisioner_daemons to error when no provisioner is ready', async () => {
    sb.facts.provisioners = sb.facts.provisioners.map((p) => ({ ...p, ready: 0 }));
    const { body } = await health();
    expect(body.provisioner_daemons).toMatchObject({
      severity: 'error',
      items: [],
      warnings: [{ code: 'EPD01', message: 'No active provisioner daemons found!' }],
    });
    expect(body).toMatchObject({ healthy: false, severity: 'error' });
  });

  it('flags a proxy on a different image digest with EWP03, naming it', async () => {
    sb.facts.proxies[0]!.imageDigest = OTHER_DIGEST;
    const { body } = await health();
    expect(body.workspace_proxy).toMatchObject({ healthy: false, severity: 'error' });
    expect(body.workspace_proxy.error).toBe(
      `EWP03: proxy "oregon-proxy" version "v2.28.0+${OTHER_DIGEST.slice(7, 14)}" does not match primary server version "v2.28.0+${DIGEST.slice(7, 14)}"`,
    );
    expect(body.severity).toBe('error');
  });

  it('warns about an unreachable proxy (EWP04) and its probe stops answering', async () => {
    sb.facts.proxies[1]!.healthy = false;
    const { body } = await health();
    expect(body.workspace_proxy).toMatchObject({ healthy: true, severity: 'warning' });
    expect(body.workspace_proxy.warnings).toEqual([
      { code: 'EWP04', message: expect.stringMatching(/^emea-proxy: request to proxy failed/) },
    ]);
    expect(body.severity).toBe('warning');
    const probe = await fetch(`${sb.urls['emea-proxy']}/healthz`);
    expect(probe.status).toBe(503);
    expect(await probe.text()).toBe('no healthy upstream');
  });

  it('reports the database down (EDB01) until reset', async () => {
    sb.control.failDatabase(true);
    const down = await health();
    expect(down.body.database).toMatchObject({ healthy: false, severity: 'error', reachable: false });
    expect(down.body.database.error).toMatch(/^EDB01: ping database: /);
    expect(down.body.healthy).toBe(false);
    sb.control.reset();
    expect((await health()).body.database.severity).toBe('ok');
  });
});
